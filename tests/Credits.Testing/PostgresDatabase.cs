using Npgsql;
using Xunit;

namespace Credits.Testing;

/// <summary>
/// A database of its own for one test class (use as an xunit class fixture), created empty
/// and dropped afterwards, so test classes run in parallel without seeing each other's rows.
/// </summary>
public class PostgresDatabase : IAsyncLifetime
{
    public string Name { get; } = "t_" + Guid.NewGuid().ToString("N")[..20];

    /// <summary>Created as a copy of the migrated schema (<see cref="MigratedSchema"/>) instead of empty.</summary>
    public bool Migrated { get; init; }

    public string ConnectionString => new NpgsqlConnectionStringBuilder(TestEnvironment.PostgresAdmin)
    {
        Database = Name,
        MaxPoolSize = 50,
    }.ConnectionString;

    public virtual async Task InitializeAsync()
    {
        var template = Migrated ? $" TEMPLATE \"{await MigratedSchema.TemplateAsync()}\"" : "";
        await using var admin = new NpgsqlConnection(TestEnvironment.PostgresAdmin);
        await admin.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE \"{Name}\"{template}", admin);
        await create.ExecuteNonQueryAsync();
    }

    public virtual async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(TestEnvironment.PostgresAdmin);
        await admin.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)", admin);
        await drop.ExecuteNonQueryAsync();
    }

    public async Task<T?> ScalarAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        var value = await command.ExecuteScalarAsync();
        return value is null or DBNull ? default : (T)Convert.ChangeType(value, typeof(T));
    }

    public async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Every row of <paramref name="sql"/>, each read by <paramref name="read"/>.</summary>
    public async Task<List<T>> QueryAsync<T>(string sql, Func<NpgsqlDataReader, T> read)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<T>();
        while (await reader.ReadAsync()) rows.Add(read(reader));
        return rows;
    }
}
