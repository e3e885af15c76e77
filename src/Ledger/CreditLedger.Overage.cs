using Credits.Ledger.Queries;
using Credits.Ledger.Storage;
using Npgsql;

namespace Credits.Ledger;

// Overage for billing: entries are never updated, so what has been reported is recorded in
// ledger_overage_reports (the last overage entry id covered per customer and period). Entry ids
// of one customer grow in commit order, because its writers serialize on the account lock.
public sealed partial class CreditLedger
{
    /// <summary>Overage not yet reported, per customer and period; for one customer or (null) all.</summary>
    public async Task<IReadOnlyList<UnreportedOverage>> GetUnreportedOverageAsync(string? customerId = null, int limit = 500,
        CancellationToken ct = default) =>
        await LedgerConnection.OnConnectionAsync(db, async (connection, transaction) =>
        {
            await using var command = new NpgsqlCommand("""
                SELECT e.customer_id, e.period_start, sum(e.quantity)::bigint, max(e.id)
                FROM ledger_entries e
                WHERE e.kind = 'Overage' AND (@c::text IS NULL OR e.customer_id = @c)
                  AND e.id > coalesce((SELECT max(r.last_entry_id) FROM ledger_overage_reports r
                                       WHERE r.customer_id = e.customer_id AND r.period_start = e.period_start), 0)
                GROUP BY e.customer_id, e.period_start
                ORDER BY e.customer_id, e.period_start
                LIMIT @limit
                """, connection, transaction);
            command.Parameters.Add(new NpgsqlParameter<string?>("c", customerId));
            command.Parameters.AddWithValue("limit", limit);
            var list = new List<UnreportedOverage>();
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
                list.Add(new UnreportedOverage(reader.GetString(0), reader.GetFieldValue<DateTimeOffset>(1), reader.GetInt64(2), reader.GetInt64(3)));
            return list;
        }, ct);

    /// <summary>
    /// Records that this overage was reported. Idempotent on <see cref="UnreportedOverage.ReportKey"/>:
    /// true the first time, false when it was recorded already.
    /// </summary>
    public async Task<bool> MarkOverageReportedAsync(UnreportedOverage overage, CancellationToken ct = default) =>
        await LedgerConnection.InTransactionAsync(db, async (connection, transaction) =>
        {
            await using var command = new NpgsqlCommand("""
                INSERT INTO ledger_overage_reports (idempotency_key, customer_id, period_start, quantity, last_entry_id, reported_at)
                VALUES (@key, @c, @period, @quantity, @last, @now) ON CONFLICT (idempotency_key) DO NOTHING
                """, connection, transaction);
            command.Parameters.AddWithValue("key", overage.ReportKey);
            command.Parameters.AddWithValue("c", overage.CustomerId);
            command.Parameters.AddWithValue("period", overage.PeriodStart.UtcDateTime);
            command.Parameters.AddWithValue("quantity", overage.Quantity);
            command.Parameters.AddWithValue("last", overage.LastEntryId);
            command.Parameters.AddWithValue("now", clock.GetUtcNow().UtcDateTime);
            return await command.ExecuteNonQueryAsync(ct) == 1;
        }, ct);

    /// <summary>
    /// Customers with grants or reservations due to lapse, for the expiry sweep: a period's allowance once
    /// its late-usage grace is over and the next period is known (or the renewal wait ran out), other
    /// grants at their expiry (the rule of AccountBook.IsDue).
    /// </summary>
    public async Task<IReadOnlyList<string>> FindAccountsWithDueExpiryAsync(int limit = 500, CancellationToken ct = default) =>
        await LedgerConnection.OnConnectionAsync(db, async (connection, transaction) =>
        {
            var now = clock.GetUtcNow();
            await using var command = new NpgsqlCommand("""
                (SELECT g.customer_id FROM ledger_grants g JOIN ledger_accounts a ON a.customer_id = g.customer_id
                 WHERE g.is_open AND g.expires_at <= @now
                   AND (g.period_start IS NULL
                        OR g.expires_at <= @grace_over AND (a.period_start >= g.expires_at OR g.expires_at <= @wait_over))
                 LIMIT @limit)
                UNION
                (SELECT customer_id FROM ledger_reservations WHERE status = 'Open' AND expires_at <= @now LIMIT @limit)
                """, connection, transaction);
            command.Parameters.AddWithValue("now", now.UtcDateTime);
            command.Parameters.AddWithValue("grace_over", (now - _boundaries.LateUsageGrace).UtcDateTime);
            command.Parameters.AddWithValue("wait_over", (now - _boundaries.RenewalWait).UtcDateTime);
            command.Parameters.AddWithValue("limit", limit);
            var ids = new List<string>();
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) ids.Add(reader.GetString(0));
            return ids;
        }, ct);
}
