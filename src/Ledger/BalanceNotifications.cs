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

    internal static async Task NotifyAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction,
        string[] customerIds, CancellationToken ct)
    {
        if (customerIds.Length == 0) return;
        await using var command = new NpgsqlCommand($"SELECT pg_notify('{Channel}', c) FROM unnest(@customers) AS c", connection, transaction);
        command.Parameters.AddWithValue("customers", customerIds);
        await command.ExecuteNonQueryAsync(ct);
    }
}
