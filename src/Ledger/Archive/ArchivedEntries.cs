using Credits.Ledger.Model;
using Credits.Ledger.Queries;
using Credits.Ledger.Storage;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Credits.Ledger.Archive;

/// <summary>
/// The entries of chunks that have left the hot table, for the readers of a customer's history: the entry pages, the
/// export, the usage breakdown and the money audit's look-ups by key (docs/ledger-archive.md, "Readers of archived
/// months"). The history's readers take a chunk only once its entries are gone (<see cref="ArchivedChunk.RemovedAt"/>,
/// set in the transaction that removes them), so until then they read the hot table alone, as before, and nothing is
/// read twice.
/// </summary>
public static class ArchivedEntries
{
    /// <summary>
    /// The first entry ids of the customer's chunks whose entries have left the hot table, newest first: those below
    /// <paramref name="before"/>, of months from <paramref name="monthFrom"/> to before <paramref name="monthTo"/>.
    /// </summary>
    internal static async Task<List<long>> RemovedAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string customerId,
        long before, DateTimeOffset? monthFrom, DateTimeOffset? monthTo, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("""
            SELECT c.first_entry_id FROM ledger_archive_chunks c
            WHERE c.customer_id = @c AND c.first_entry_id < @before AND c.month >= @from AND c.month < @to
              AND c.removed_at IS NOT NULL
            ORDER BY c.first_entry_id DESC
            """, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<string>("c", customerId));
        command.Parameters.Add(new NpgsqlParameter<long>("before", before));
        command.Parameters.Add(new NpgsqlParameter<DateTime>("from", (monthFrom ?? DateTimeOffset.MinValue).UtcDateTime));
        command.Parameters.Add(new NpgsqlParameter<DateTime>("to", (monthTo ?? DateTimeOffset.MaxValue).UtcDateTime));
        var chunks = new List<long>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) chunks.Add(reader.GetInt64(0));
        return chunks;
    }

    /// <summary>A chunk's entries in id order, as the hot table's readers show them (with their pricing).</summary>
    internal static async Task<List<LedgerEntryView>> ReadAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string customerId,
        long firstEntryId, CancellationToken ct)
    {
        var entries = await EntriesAsync(connection, transaction, customerId, firstEntryId, ct);
        var rates = await RatesAsync(connection, transaction, [.. entries.Where(e => e.RateId is not null).Select(e => e.RateId!.Value).Distinct()], ct);
        return entries.Select(e => new LedgerEntryView(e.Id, e.Kind, e.Amount, e.HeldChange, e.Quantity, e.GrantId, e.ReservationId,
            e.IdempotencyKey, e.Sequence, e.PeriodStart, e.OccurredAt, e.RecordedAt, e.Note,
            e.RateId is { } rate && rates.TryGetValue(rate, out var priced) ? priced with { Quantity = e.NativeQuantity!.Value } : null)).ToList();
    }

    /// <summary>The chunks' entries whose usage occurred from <paramref name="from"/> to <paramref name="to"/>, for <see cref="CreditLedger.GetUsageBreakdownAsync"/>.</summary>
    internal static async Task<List<ArchivedEntry>> UsageAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string customerId,
        IEnumerable<long> chunks, DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        var entries = new List<ArchivedEntry>();
        foreach (var chunk in chunks)
            entries.AddRange((await EntriesAsync(connection, transaction, customerId, chunk, ct)).Where(e => e.OccurredAt >= from && e.OccurredAt < to));
        return entries;
    }

    /// <summary>
    /// The archived entries written under these keys, each looked up among its own customer's chunks through the cold
    /// tier (<see cref="ColdKeys"/>): for a reader that did not find a key in the hot table, such as the money audit
    /// looking up a purchase months old. Empty for keys of customers with nothing archived, at the cost of one statement.
    /// </summary>
    public static Task<List<(string CustomerId, LedgerEntryView Entry)>> UnderKeysAsync(DbContext db,
        IReadOnlyCollection<(string CustomerId, string Key)> keys, CancellationToken ct) =>
        LedgerConnection.OnConnectionAsync(db, async (connection, transaction) =>
        {
            var found = new List<(string CustomerId, LedgerEntryView Entry)>();
            if (keys.Count == 0) return found;
            var archivedThrough = new Dictionary<string, long>(StringComparer.Ordinal);
            await using (var cursors = new NpgsqlCommand(LedgerStore.ArchivedThroughSql, connection, transaction))
            {
                cursors.Parameters.Add(new NpgsqlParameter<string[]>("c", [.. keys.Select(k => k.CustomerId).Distinct(StringComparer.Ordinal)]));
                await using var reader = await cursors.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct)) archivedThrough[reader.GetString(0)] = reader.GetInt64(1);
            }
            var wanted = keys.Where(k => archivedThrough.ContainsKey(k.CustomerId)).Distinct()
                .Select(k => new ColdKeys.Wanted(k.CustomerId, k.Key, EntryHashes.Key(k.Key))).ToList();
            // Read once, for this call: a reader of old keys is rare, and a host's filters in memory are the usage path's.
            using var filters = new ColdKeyFilters(budgetBytes: 1);
            foreach (var (customerId, chunk) in await ColdKeys.FindChunksAsync(connection, transaction, filters, archivedThrough, wanted, ct))
            {
                var ofCustomer = wanted.Where(w => w.CustomerId == customerId).Select(w => w.Key).ToHashSet(StringComparer.Ordinal);
                foreach (var entry in await ReadAsync(connection, transaction, customerId, chunk, ct))
                    if (ofCustomer.Contains(entry.IdempotencyKey)) found.Add((customerId, entry));
            }
            return found;
        }, ct);

    /// <summary>A chunk's entries, read from its content.</summary>
    static async Task<List<ArchivedEntry>> EntriesAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string customerId,
        long firstEntryId, CancellationToken ct)
    {
        await using var read = new NpgsqlCommand(
            "SELECT content FROM ledger_archive_chunks WHERE customer_id = @c AND first_entry_id = @first", connection, transaction);
        read.Parameters.Add(new NpgsqlParameter<string>("c", customerId));
        read.Parameters.Add(new NpgsqlParameter<long>("first", firstEntryId));
        return [.. ArchiveFormat.ReadRows(ArchiveFormat.Decompress((byte[])(await read.ExecuteScalarAsync(ct))!)).Select(ArchivedEntry.From)];
    }

    /// <summary>The rates archived entries were priced at, by id (version, unit and price; the quantity is the entry's).</summary>
    internal static async Task<Dictionary<int, EntryPricing>> RatesAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, int[] ids,
        CancellationToken ct)
    {
        var rates = new Dictionary<int, EntryPricing>();
        if (ids.Length == 0) return rates;
        await using var command = new NpgsqlCommand(
            "SELECT id, version, unit, credits_per_unit FROM usage_rates WHERE id = ANY(@ids)", connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<int[]>("ids", ids));
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            rates[reader.GetInt32(0)] = new EntryPricing(reader.GetInt32(1), 0, reader.GetString(2), reader.GetDecimal(3));
        return rates;
    }
}
