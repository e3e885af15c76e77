using System.Data.Common;
using Npgsql;

namespace Credits.ServiceDefaults;

/// <summary>
/// The hosts run the same few dozen statements over and over (the ledger's load and write batches, the inbox, the
/// outbox, the saga lock). Unprepared, PostgreSQL parses and analyses each one at every execution. Npgsql's
/// auto-prepare keeps the most used ones prepared on each pooled connection; plans stay custom, made for each
/// execution's values, because the ledger's statements take arrays of one to a thousand accounts and a generic plan
/// made for one size suits the other badly (auto-prepare alone lengthened the reservation's tail, docs/BENCHMARKS.md).
/// Either default gives way to the connection string when it sets its own.
/// </summary>
public static class PreparedStatements
{
    /// <summary>Statements prepared per connection; the hosts use fewer distinct ones than this.</summary>
    public const int MaxAutoPrepare = 64;

    /// <summary>The session setting added to <c>Options</c>: prepared statements, planned for every execution.</summary>
    public const string PlanCacheMode = "-c plan_cache_mode=force_custom_plan";

    public static void ApplyDefaults(NpgsqlConnectionStringBuilder connection, string connectionString)
    {
        if (!Sets(connectionString, "Max Auto Prepare"))
            connection.MaxAutoPrepare = MaxAutoPrepare;

        // PGOPTIONS stands in for Options when the string has none; ours must not hide it.
        var options = connection.Options ?? Environment.GetEnvironmentVariable("PGOPTIONS");
        if (options?.Contains("plan_cache_mode", StringComparison.OrdinalIgnoreCase) != true)
            connection.Options = string.IsNullOrWhiteSpace(options) ? PlanCacheMode : $"{options} {PlanCacheMode}";
    }

    /// <summary>The connection string with the defaults added, for code that builds its own DbContext (the benchmarks).</summary>
    public static string WithDefaults(string connectionString)
    {
        var connection = new NpgsqlConnectionStringBuilder(connectionString);
        ApplyDefaults(connection, connectionString);
        return connection.ConnectionString;
    }

    /// <summary>Whether the connection string names the keyword itself (with or without its spaces), whatever the value.</summary>
    static bool Sets(string connectionString, string keyword)
    {
        var given = new DbConnectionStringBuilder { ConnectionString = connectionString };
        var wanted = keyword.Replace(" ", "");
        return given.Keys.Cast<string>().Any(k => string.Equals(k.Replace(" ", ""), wanted, StringComparison.OrdinalIgnoreCase));
    }
}
