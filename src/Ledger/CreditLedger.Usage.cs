using Credits.Ledger.Queries;
using Credits.Ledger.Storage;
using Npgsql;

namespace Credits.Ledger;

// Usage insight: what a customer's usage was spent on, read from the entries (the ledger is the only truth).
public sealed partial class CreditLedger
{
    /// <summary>The longest span one breakdown or export covers: a year and a day, so a leap year fits.</summary>
    public static readonly TimeSpan MaxUsageSpan = TimeSpan.FromDays(366);

    /// <summary>
    /// Usage by feature, of usage that occurred from <paramref name="from"/> to <paramref name="to"/>: credits from the
    /// usage entries (Debit, Overage, WriteOff; a settled reservation's debits count as its usage), events as distinct
    /// operations, native quantities from the priced entries. Features with the most credits first; on a shared balance,
    /// the same per member.
    /// </summary>
    public async Task<UsageBreakdown> GetUsageBreakdownAsync(string customerId, DateTimeOffset from, DateTimeOffset to, CancellationToken ct = default) =>
        await LedgerConnection.OnConnectionAsync(db, async (connection, transaction) =>
        {
            await using var batch = new NpgsqlBatch(connection, transaction)
            {
                BatchCommands =
                {
                    UsageCommand("""
                        SELECT note, coalesce(sum(quantity) FILTER (WHERE kind <> 'Remainder'), 0)::bigint, count(DISTINCT key_hash)
                        FROM ledger_entries
                        WHERE customer_id = @c AND occurred_at >= @from AND occurred_at < @to
                          AND kind IN ('Debit', 'Overage', 'WriteOff', 'Remainder')
                        GROUP BY note
                        """, customerId, from, to),
                    UsageCommand("""
                        SELECT e.note, r.unit, sum(e.native_quantity)
                        FROM ledger_entries e JOIN usage_rates r ON r.id = e.rate_id
                        WHERE e.customer_id = @c AND e.occurred_at >= @from AND e.occurred_at < @to
                        GROUP BY e.note, r.unit ORDER BY r.unit
                        """, customerId, from, to),
                    UsageCommand("""
                        SELECT l.member_id, coalesce(sum(e.quantity) FILTER (WHERE e.kind <> 'Remainder'), 0)::bigint, count(DISTINCT e.key_hash)
                        FROM ledger_entries e JOIN ledger_members l ON l.id = e.member_ref
                        WHERE e.customer_id = @c AND e.occurred_at >= @from AND e.occurred_at < @to
                          AND e.kind IN ('Debit', 'Overage', 'WriteOff', 'Remainder')
                        GROUP BY l.member_id ORDER BY 2 DESC, 1
                        """, customerId, from, to),
                },
            };
            await using var reader = await batch.ExecuteReaderAsync(ct);
            var features = new List<(string? Feature, long Credits, long Events)>();
            while (await reader.ReadAsync(ct))
                features.Add((reader.IsDBNull(0) ? null : reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2)));
            await reader.NextResultAsync(ct);
            var quantities = new List<(string? Feature, UnitQuantity Quantity)>();
            while (await reader.ReadAsync(ct))
                quantities.Add((reader.IsDBNull(0) ? null : reader.GetString(0), new UnitQuantity(reader.GetString(1), reader.GetDecimal(2))));
            await reader.NextResultAsync(ct);
            var members = new List<MemberUsage>();
            while (await reader.ReadAsync(ct))
                members.Add(new MemberUsage(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2)));
            return new UsageBreakdown(customerId, from, to, features
                .OrderByDescending(f => f.Credits).ThenBy(f => f.Feature, StringComparer.Ordinal)
                .Select(f => new FeatureUsage(f.Feature, f.Credits, f.Events,
                    quantities.Where(q => q.Feature == f.Feature).Select(q => q.Quantity).ToList()))
                .ToList(), members);
        }, ct);

    static NpgsqlBatchCommand UsageCommand(string sql, string customerId, DateTimeOffset from, DateTimeOffset to) => new(sql)
    {
        Parameters =
        {
            new NpgsqlParameter<string>("c", customerId),
            new NpgsqlParameter<DateTime>("from", from.UtcDateTime),
            new NpgsqlParameter<DateTime>("to", to.UtcDateTime),
        },
    };
}
