using Credits.ServiceDefaults;
using Credits.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Xunit;

namespace Credits.IntegrationTests;

/// <summary>
/// The hosts' data source (AddPostgres, as both hosts build it) prepares the statements it runs often and has
/// PostgreSQL plan each execution for its own values; a connection string that sets either keeps its own
/// (issue 16, docs/BENCHMARKS.md). Checked on PostgreSQL's side of the connection.
/// </summary>
public class PreparedStatementTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    [Fact]
    public async Task The_hosts_prepare_their_statements_and_plan_each_execution()
    {
        await using var services = HostServices(database.ConnectionString);
        await using var connection = await OpenAsync(services);

        Assert.Equal("force_custom_plan", await ShowAsync(connection, "plan_cache_mode"));
        Assert.True(await PreparedAfterRepeatsAsync(connection) > 0, "a statement run ten times was not prepared");
    }

    [Fact]
    public async Task A_connection_string_that_sets_either_keeps_its_own()
    {
        await using var services = HostServices(database.ConnectionString + ";Max Auto Prepare=0;Options=-c plan_cache_mode=force_generic_plan");
        await using var connection = await OpenAsync(services);

        Assert.Equal("force_generic_plan", await ShowAsync(connection, "plan_cache_mode"));
        Assert.Equal(0, await PreparedAfterRepeatsAsync(connection));
    }

    [Fact]
    public async Task Other_session_options_are_kept_beside_the_plan_setting()
    {
        await using var services = HostServices(database.ConnectionString + ";Options=-c statement_timeout=12345");
        await using var connection = await OpenAsync(services);

        Assert.Equal("12345ms", await ShowAsync(connection, "statement_timeout"));
        Assert.Equal("force_custom_plan", await ShowAsync(connection, "plan_cache_mode"));
    }

    /// <summary>The data source a host builds (AddPostgres); disposing the provider disposes it with its pool.</summary>
    static ServiceProvider HostServices(string connectionString)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Testing" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Postgres:ConnectionString"] = connectionString });
        builder.AddPostgres();
        return builder.Services.BuildServiceProvider();
    }

    static ValueTask<NpgsqlConnection> OpenAsync(IServiceProvider services) =>
        services.GetRequiredService<NpgsqlDataSource>().OpenConnectionAsync();

    static async Task<string?> ShowAsync(NpgsqlConnection connection, string setting)
    {
        await using var show = new NpgsqlCommand($"SHOW {setting}", connection);
        return (string?)await show.ExecuteScalarAsync();
    }

    /// <summary>Runs one statement ten times (Npgsql prepares after five uses), then counts this session's auto-prepared statements.</summary>
    static async Task<long> PreparedAfterRepeatsAsync(NpgsqlConnection connection)
    {
        for (var i = 0; i < 10; i++)
        {
            await using var repeated = new NpgsqlCommand("SELECT $1::int + 1", connection) { Parameters = { new() { Value = i } } };
            await repeated.ExecuteScalarAsync();
        }
        await using var count = new NpgsqlCommand("SELECT count(*) FROM pg_prepared_statements WHERE name LIKE '\\_auto%'", connection);
        return (long)(await count.ExecuteScalarAsync())!;
    }
}
