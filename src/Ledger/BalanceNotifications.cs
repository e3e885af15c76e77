using Npgsql;

namespace Credits.Ledger;

/// <summary>
/// Every ledger transaction that writes entries sends a PostgreSQL NOTIFY on <see cref="Channel"/>
/// with each changed customer id. PostgreSQL delivers it only when the transaction commits (and
/// folds repeats within one transaction), so listeners such as live balance streams on any host
/// hear exactly the committed changes.
/// </summary>
public static class BalanceNotifications
{
    public const string Channel = "credits_balance";

    /// <summary>
    /// The NOTIFY for the customers a transaction changed, as a command of the ledger's write batch: it costs no
    /// round trip of its own (issue 16).
    /// </summary>
    internal static NpgsqlBatchCommand Command(string[] customerIds)
    {
        var command = new NpgsqlBatchCommand($"SELECT pg_notify('{Channel}', c) FROM unnest(@customers) AS c");
        command.Parameters.Add(new NpgsqlParameter<string[]>("customers", customerIds));
        return command;
    }
}
