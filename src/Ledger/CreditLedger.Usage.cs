using Credits.Ledger.Archive;
using Credits.Ledger.Commands;
using Credits.Ledger.Model;
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
            var features = new List<(string? Feature, long Credits, long Events)>();
            var quantities = new List<(string? Feature, UnitQuantity Quantity)>();
            var members = new List<MemberUsage>();
            await using (var reader = await batch.ExecuteReaderAsync(ct))
            {
                while (await reader.ReadAsync(ct))
                    features.Add((reader.IsDBNull(0) ? null : reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2)));
                await reader.NextResultAsync(ct);
                while (await reader.ReadAsync(ct))
                    quantities.Add((reader.IsDBNull(0) ? null : reader.GetString(0), new UnitQuantity(reader.GetString(1), reader.GetDecimal(2))));
                await reader.NextResultAsync(ct);
                while (await reader.ReadAsync(ct))
                    members.Add(new MemberUsage(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2)));
            }
            await AddArchivedUsageAsync(connection, transaction, customerId, from, to, features, quantities, members, ct);
            return new UsageBreakdown(customerId, from, to, features
                .GroupBy(f => f.Feature).Select(g => (Feature: g.Key, Credits: g.Sum(f => f.Credits), Events: g.Sum(f => f.Events)))
                .OrderByDescending(f => f.Credits).ThenBy(f => f.Feature, StringComparer.Ordinal)
                .Select(f => new FeatureUsage(f.Feature, f.Credits, f.Events,
                    quantities.Where(q => q.Feature == f.Feature).GroupBy(q => q.Quantity.Unit, StringComparer.Ordinal)
                        .Select(g => new UnitQuantity(g.Key, g.Sum(q => q.Quantity.Quantity))).ToList()))
                .ToList(),
                members.GroupBy(m => m.MemberId, StringComparer.Ordinal)
                    .Select(g => new MemberUsage(g.Key, g.Sum(m => m.Credits), g.Sum(m => m.Events)))
                    // A stable sort: members of equal credits keep PostgreSQL's order by id.
                    .OrderByDescending(m => m.Credits).ToList());
        }, ct);

    /// <summary>
    /// The usage of months whose entries have left the hot table, summed as the statements above sum the hot table's.
    /// Usage is recorded at most <see cref="DebitCredits.MaxFutureSkew"/> before it occurred, so a month recorded before
    /// <paramref name="from"/>'s cannot hold any; a later one can (late usage). An operation's entries leave together,
    /// so its events are counted on one side only.
    /// </summary>
    static async Task AddArchivedUsageAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string customerId,
        DateTimeOffset from, DateTimeOffset to, List<(string? Feature, long Credits, long Events)> features,
        List<(string? Feature, UnitQuantity Quantity)> quantities, List<MemberUsage> members, CancellationToken ct)
    {
        var removed = await ArchivedEntries.RemovedAsync(connection, transaction, customerId, long.MaxValue,
            ArchiveMonths.Of(from - DebitCredits.MaxFutureSkew), null, ct);
        if (removed.Count == 0) return;
        var entries = await ArchivedEntries.UsageAsync(connection, transaction, customerId, removed, from, to, ct);
        var usage = entries.Where(e => e.Kind is EntryKind.Debit or EntryKind.Overage or EntryKind.WriteOff or EntryKind.Remainder).ToList();
        static long Credits(ArchivedEntry e) => e.Kind == EntryKind.Remainder ? 0 : e.Quantity;

        features.AddRange(usage.GroupBy(e => e.Note)
            .Select(g => (g.Key, g.Sum(Credits), (long)g.Select(e => e.IdempotencyKey).Distinct(StringComparer.Ordinal).Count())));

        var rates = await ArchivedEntries.RatesAsync(connection, transaction,
            [.. entries.Where(e => e.RateId is not null).Select(e => e.RateId!.Value).Distinct()], ct);
        quantities.AddRange(entries.Where(e => e.RateId is not null && e.NativeQuantity is not null)
            .GroupBy(e => (e.Note, rates[e.RateId!.Value].Unit))
            .Select(g => (g.Key.Note, new UnitQuantity(g.Key.Unit, g.Sum(e => e.NativeQuantity!.Value)))));

        var memberIds = await MemberIdsAsync(connection, transaction, usage.Where(e => e.MemberRef is not null).Select(e => e.MemberRef!.Value), ct);
        members.AddRange(usage.Where(e => e.MemberRef is not null).GroupBy(e => memberIds[e.MemberRef!.Value])
            .Select(g => new MemberUsage(g.Key, g.Sum(Credits), g.Select(e => e.IdempotencyKey).Distinct(StringComparer.Ordinal).Count())));
    }

    /// <summary>The members' own ids by their <see cref="Model.LedgerMember.Id"/>, which usage entries hold.</summary>
    static async Task<Dictionary<int, string>> MemberIdsAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction,
        IEnumerable<int> ids, CancellationToken ct)
    {
        var names = new Dictionary<int, string>();
        var wanted = ids.Distinct().ToArray();
        if (wanted.Length == 0) return names;
        await using var command = new NpgsqlCommand("SELECT id, member_id FROM ledger_members WHERE id = ANY(@ids)", connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<int[]>("ids", wanted));
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) names[reader.GetInt32(0)] = reader.GetString(1);
        return names;
    }

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
