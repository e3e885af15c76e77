using Credits.Ledger.Archive;
using Credits.Ledger.Model;
using Credits.Ledger.Queries;
using Credits.Ledger.Storage;
using Npgsql;

namespace Credits.Ledger;

public sealed partial class CreditLedger
{
    public async Task<CreditBalance?> GetBalanceAsync(string customerId, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        return await LedgerConnection.OnConnectionAsync(db, async (connection, transaction) =>
        {
            await using var batch = new NpgsqlBatch(connection, transaction)
            {
                BatchCommands =
                {
                    Command("SELECT plan_id, period_start, period_end, held, overage_this_period, overage_suspended, usage_remainder, overage_cap FROM ledger_accounts WHERE customer_id = @c",
                        customerId),
                    Command("""
                        SELECT source, effective_at <= @now AS effective, sum(remaining)::bigint FROM ledger_grants
                        WHERE customer_id = @c AND is_open AND (expires_at IS NULL OR expires_at > @now)
                        GROUP BY 1, 2
                        """, customerId, now),
                },
            };
            await using var reader = await batch.ExecuteReaderAsync(ct);
            if (!await reader.ReadAsync(ct)) return null;
            var planId = reader.GetString(0);
            var periodStart = reader.GetFieldValue<DateTimeOffset>(1);
            var periodEnd = reader.GetFieldValue<DateTimeOffset>(2);
            var held = reader.GetInt64(3);
            var overage = reader.GetInt64(4);
            var suspended = reader.GetBoolean(5);
            var remainder = reader.GetDecimal(6);
            long? cap = reader.IsDBNull(7) ? null : reader.GetInt64(7);
            await reader.NextResultAsync(ct);
            var bySource = new Dictionary<GrantSource, long>();
            long upcoming = 0;
            while (await reader.ReadAsync(ct))
            {
                if (reader.GetBoolean(1)) bySource[Enum.Parse<GrantSource>(reader.GetString(0))] = reader.GetInt64(2);
                else upcoming += reader.GetInt64(2);
            }
            var billsOverage = plans.Contains(planId) && plans.Get(planId).OverageAllowed && !suspended;
            // The same rule as the ledger's OverageRoom for usage of the current period.
            long? room = !billsOverage ? 0 : cap is { } c ? Math.Max(0, c - overage) : null;
            return new CreditBalance
            {
                CustomerId = customerId,
                PlanId = planId,
                OverageAllowed = room is null or > 0,
                OverageCap = cap,
                OverageRoom = room,
                Available = Math.Max(0, bySource.Values.Sum() - held),
                Held = held,
                BySource = bySource,
                Upcoming = upcoming,
                OverageThisPeriod = overage,
                PeriodStart = periodStart,
                PeriodEnd = periodEnd,
                UsageRemainder = remainder,
                AsOf = now,
            };
        }, ct);
    }

    /// <summary>May the customer spend <paramref name="credits"/> now? Null when the customer has no account.</summary>
    public async Task<Entitlement?> CheckEntitlementAsync(string customerId, long credits, CancellationToken ct = default)
    {
        if (await GetBalanceAsync(customerId, ct) is not { } balance) return null;
        var covered = credits <= balance.Available;
        // Overage is allowed only up to the spend cap: what the cap leaves must cover all that the credits do not.
        var overageCovers = balance.OverageRoom is not { } room || credits - balance.Available <= room;
        var allowed = covered || overageCovers;
        return new Entitlement
        {
            CustomerId = customerId,
            Requested = credits,
            Available = balance.Available,
            Allowed = allowed,
            WouldUseOverage = !covered && allowed,
            OverageRoom = balance.OverageRoom,
            Reason = allowed ? null
                : balance.OverageCap is { } cap && balance.OverageRoom > 0
                    ? $"{credits} credits requested, {balance.Available} available and {balance.OverageRoom} of overage left under the spend cap of {cap} this period"
                : balance.OverageCap is { } reached && balance.OverageRoom == 0 && balance.OverageThisPeriod >= reached && PlanBillsOverage(balance.PlanId)
                    ? $"{credits} credits requested, {balance.Available} available; the spend cap of {reached} overage credits this period is reached"
                : $"{credits} credits requested, {balance.Available} available on plan '{balance.PlanId}' (no overage)",
        };
    }

    bool PlanBillsOverage(string planId) => plans.Contains(planId) && plans.Get(planId).OverageAllowed;

    /// <summary>
    /// Entries newest first, <paramref name="limit"/> at most (1..1000), older than entry id <paramref name="before"/>;
    /// from the archive for months whose entries have left the hot table.
    /// </summary>
    public async Task<EntryPage> GetEntriesAsync(string customerId, long? before = null, int limit = 100, CancellationToken ct = default)
    {
        limit = Math.Clamp(limit, 1, 1000);
        return await LedgerConnection.OnConnectionAsync(db, async (connection, transaction) =>
        {
            await using var command = new NpgsqlCommand(EntryViewSelect + """
                WHERE e.customer_id = @c AND e.id < @before ORDER BY e.id DESC LIMIT @limit
                """, connection, transaction);
            command.Parameters.AddWithValue("c", customerId);
            command.Parameters.AddWithValue("before", before ?? long.MaxValue);
            command.Parameters.AddWithValue("limit", limit + 1);
            var entries = new List<LedgerEntryView>();
            await using (var reader = await command.ExecuteReaderAsync(ct))
                while (await reader.ReadAsync(ct))
                    entries.Add(ReadEntryView(reader));
            // The hot table has no more below: the page goes on into months whose entries have left it, newest first.
            if (entries.Count <= limit)
            {
                var below = Math.Min(before ?? long.MaxValue, entries.Count > 0 ? entries[^1].Id : long.MaxValue);
                foreach (var chunk in await ArchivedEntries.RemovedAsync(connection, transaction, customerId, below, null, null, ct))
                {
                    entries.AddRange((await ArchivedEntries.ReadAsync(connection, transaction, customerId, chunk, ct))
                        .Where(e => e.Id < below).OrderByDescending(e => e.Id));
                    if (entries.Count > limit) break;
                }
            }
            if (entries.Count > limit + 1) entries.RemoveRange(limit + 1, entries.Count - limit - 1);
            var more = entries.Count > limit;
            if (more) entries.RemoveAt(limit);
            return new EntryPage(entries, more ? entries[^1].Id : null);
        }, ct);
    }

    /// <summary>
    /// Every entry of the customer recorded from <paramref name="from"/> (inclusive) to <paramref name="to"/> (exclusive),
    /// oldest first, handed to <paramref name="write"/> one by one as PostgreSQL sends them: an export of a year of
    /// entries never holds them all in memory (an archived month a chunk at a time). By the time recorded, so each entry is
    /// in exactly one period's export.
    /// </summary>
    public async Task ExportEntriesAsync(string customerId, DateTimeOffset from, DateTimeOffset to, Func<LedgerEntryView, Task> write,
        CancellationToken ct = default) =>
        await LedgerConnection.OnConnectionAsync(db, async (connection, transaction) =>
        {
            await using var command = new NpgsqlCommand(EntryViewSelect + """
                WHERE e.customer_id = @c AND e.recorded_at >= @from AND e.recorded_at < @to ORDER BY e.id
                """, connection, transaction);
            command.Parameters.AddWithValue("c", customerId);
            command.Parameters.AddWithValue("from", from.UtcDateTime);
            command.Parameters.AddWithValue("to", to.UtcDateTime);
            // Months whose entries have left the hot table first: their ids are below every entry still in it.
            var removed = await ArchivedEntries.RemovedAsync(connection, transaction, customerId, long.MaxValue,
                ArchiveMonths.Of(from), to, ct);
            foreach (var chunk in Enumerable.Reverse(removed))
                foreach (var entry in await ArchivedEntries.ReadAsync(connection, transaction, customerId, chunk, ct))
                    if (entry.RecordedAt >= from && entry.RecordedAt < to) await write(entry);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) await write(ReadEntryView(reader));
            return true;
        }, ct);

    /// <summary>The entry as the API shows it, with its pricing when it is priced usage; read by <see cref="ReadEntryView"/>.</summary>
    const string EntryViewSelect = """
        SELECT e.id, e.kind, e.amount, e.held_change, e.quantity, e.grant_id, e.reservation_id, e.idempotency_key, e.sequence,
               e.period_start, e.occurred_at, e.recorded_at, e.note, r.version, e.native_quantity, r.unit, r.credits_per_unit
        FROM ledger_entries e LEFT JOIN usage_rates r ON r.id = e.rate_id

        """;

    static LedgerEntryView ReadEntryView(NpgsqlDataReader reader) =>
        new(reader.GetInt64(0), Enum.Parse<EntryKind>(reader.GetString(1)),
            reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4),
            reader.IsDBNull(5) ? null : reader.GetGuid(5), reader.IsDBNull(6) ? null : reader.GetGuid(6),
            reader.GetString(7), reader.GetInt32(8), reader.GetFieldValue<DateTimeOffset>(9),
            reader.GetFieldValue<DateTimeOffset>(10), reader.GetFieldValue<DateTimeOffset>(11),
            reader.IsDBNull(12) ? null : reader.GetString(12),
            reader.IsDBNull(13) ? null : new EntryPricing(reader.GetInt32(13), reader.GetDecimal(14), reader.GetString(15), reader.GetDecimal(16)));

    /// <summary>The account's current period, summed from its entries. Null when the customer has no account.</summary>
    public async Task<PeriodSummary?> GetCurrentPeriodAsync(string customerId, CancellationToken ct = default) =>
        await LedgerConnection.OnConnectionAsync(db, async (connection, transaction) =>
        {
            await using var command = new NpgsqlCommand("""
                SELECT a.plan_id, a.period_start, a.period_end,
                       coalesce(sum(e.quantity) FILTER (WHERE e.kind = 'Grant'), 0)::bigint,
                       coalesce(sum(e.quantity) FILTER (WHERE e.kind = 'Debit'), 0)::bigint,
                       coalesce(sum(e.quantity) FILTER (WHERE e.kind = 'Overage'), 0)::bigint,
                       coalesce(sum(e.quantity) FILTER (WHERE e.kind = 'WriteOff'), 0)::bigint,
                       coalesce(sum(e.quantity) FILTER (WHERE e.kind = 'Expiry'), 0)::bigint,
                       coalesce(sum(e.quantity) FILTER (WHERE e.kind = 'Reversal'), 0)::bigint
                FROM ledger_accounts a
                LEFT JOIN ledger_entries e ON e.customer_id = a.customer_id AND e.period_start = a.period_start
                WHERE a.customer_id = @c
                GROUP BY a.plan_id, a.period_start, a.period_end
                """, connection, transaction);
            command.Parameters.AddWithValue("c", customerId);
            await using var reader = await command.ExecuteReaderAsync(ct);
            if (!await reader.ReadAsync(ct)) return null;
            return new PeriodSummary
            {
                CustomerId = customerId,
                PlanId = reader.GetString(0),
                PeriodStart = reader.GetFieldValue<DateTimeOffset>(1),
                PeriodEnd = reader.GetFieldValue<DateTimeOffset>(2),
                Granted = reader.GetInt64(3),
                Debited = reader.GetInt64(4),
                Overage = reader.GetInt64(5),
                WrittenOff = reader.GetInt64(6),
                Expired = reader.GetInt64(7),
                Reversed = reader.GetInt64(8),
            };
        }, ct);

    static NpgsqlBatchCommand Command(string sql, string customerId, DateTimeOffset? now = null)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.AddWithValue("c", customerId);
        if (now is { } value) command.Parameters.AddWithValue("now", value.UtcDateTime);
        return command;
    }
}
