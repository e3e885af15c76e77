using System.Globalization;
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
    internal sealed record RemovedChunk(long FirstEntryId, long LastEntryId, DateTimeOffset Month);

    /// <summary>The customer's chunks whose entries have left the hot table, newest first, with entry ids below <paramref name="before"/>.</summary>
    internal static async Task<List<RemovedChunk>> RemovedAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string customerId,
        long before, DateTimeOffset? monthFrom, DateTimeOffset? monthTo, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("""
            SELECT c.first_entry_id, c.last_entry_id, c.month FROM ledger_archive_chunks c
            WHERE c.customer_id = @c AND c.first_entry_id < @before AND c.month >= @from AND c.month < @to
              AND c.removed_at IS NOT NULL
            ORDER BY c.first_entry_id DESC
            """, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<string>("c", customerId));
        command.Parameters.Add(new NpgsqlParameter<long>("before", before));
        command.Parameters.Add(new NpgsqlParameter<DateTime>("from", (monthFrom ?? DateTimeOffset.MinValue).UtcDateTime));
        command.Parameters.Add(new NpgsqlParameter<DateTime>("to", (monthTo ?? DateTimeOffset.MaxValue).UtcDateTime));
        var chunks = new List<RemovedChunk>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            chunks.Add(new RemovedChunk(reader.GetInt64(0), reader.GetInt64(1), reader.GetFieldValue<DateTimeOffset>(2)));
        return chunks;
    }

    /// <summary>A chunk's entries in id order, as the hot table's readers show them (with their pricing).</summary>
    internal static async Task<List<LedgerEntryView>> ReadAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string customerId,
        long firstEntryId, CancellationToken ct)
    {
        var rows = ArchiveFormat.ReadRows(await ContentAsync(connection, transaction, customerId, firstEntryId, ct)).ToList();
        var rates = await RatesAsync(connection, transaction,
            rows.Where(r => r[ArchiveFormat.RateId] is not null).Select(r => int.Parse(r[ArchiveFormat.RateId]!, CultureInfo.InvariantCulture)).Distinct().ToArray(), ct);
        return rows.Select(r => new LedgerEntryView(
            long.Parse(r[ArchiveFormat.Id]!, CultureInfo.InvariantCulture), Enum.Parse<EntryKind>(r[ArchiveFormat.Kind]!),
            long.Parse(r[ArchiveFormat.Amount]!, CultureInfo.InvariantCulture), long.Parse(r[ArchiveFormat.HeldChange]!, CultureInfo.InvariantCulture),
            long.Parse(r[ArchiveFormat.Quantity]!, CultureInfo.InvariantCulture),
            r[ArchiveFormat.GrantId] is { } grant ? Guid.Parse(grant) : null,
            r[ArchiveFormat.ReservationId] is { } reservation ? Guid.Parse(reservation) : null,
            r[ArchiveFormat.IdempotencyKey]!, int.Parse(r[ArchiveFormat.Sequence]!, CultureInfo.InvariantCulture),
            Time(r[ArchiveFormat.PeriodStart]!), Time(r[ArchiveFormat.OccurredAt]!), Time(r[ArchiveFormat.RecordedAt]!),
            r[ArchiveFormat.Note],
            r[ArchiveFormat.RateId] is { } rate && rates.TryGetValue(int.Parse(rate, CultureInfo.InvariantCulture), out var priced)
                ? priced with { Quantity = decimal.Parse(r[ArchiveFormat.NativeQuantity]!, CultureInfo.InvariantCulture) }
                : null)).ToList();
    }

    /// <summary>An archived entry as the usage breakdown reads it.</summary>
    internal sealed record UsageEntry(string? Note, EntryKind Kind, long Quantity, string Key, int? RateId, decimal? NativeQuantity, int? MemberRef);

    /// <summary>The chunks' entries whose usage occurred from <paramref name="from"/> to <paramref name="to"/>, for <see cref="CreditLedger.GetUsageBreakdownAsync"/>.</summary>
    internal static async Task<List<UsageEntry>> UsageAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string customerId,
        IEnumerable<RemovedChunk> chunks, DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        var entries = new List<UsageEntry>();
        foreach (var chunk in chunks)
            foreach (var r in ArchiveFormat.ReadRows(await ContentAsync(connection, transaction, customerId, chunk.FirstEntryId, ct)))
            {
                var occurredAt = Time(r[ArchiveFormat.OccurredAt]!);
                if (occurredAt < from || occurredAt >= to) continue;
                entries.Add(new UsageEntry(r[ArchiveFormat.Note], Enum.Parse<EntryKind>(r[ArchiveFormat.Kind]!),
                    long.Parse(r[ArchiveFormat.Quantity]!, CultureInfo.InvariantCulture), r[ArchiveFormat.IdempotencyKey]!,
                    r[ArchiveFormat.RateId] is { } rate ? int.Parse(rate, CultureInfo.InvariantCulture) : null,
                    r[ArchiveFormat.NativeQuantity] is { } native ? decimal.Parse(native, CultureInfo.InvariantCulture) : null,
                    r[ArchiveFormat.MemberRef] is { } member ? int.Parse(member, CultureInfo.InvariantCulture) : null));
            }
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

    /// <summary>A chunk's CSV, decompressed.</summary>
    static async Task<byte[]> ContentAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string customerId, long firstEntryId,
        CancellationToken ct)
    {
        await using var read = new NpgsqlCommand(
            "SELECT content FROM ledger_archive_chunks WHERE customer_id = @c AND first_entry_id = @first", connection, transaction);
        read.Parameters.Add(new NpgsqlParameter<string>("c", customerId));
        read.Parameters.Add(new NpgsqlParameter<long>("first", firstEntryId));
        return ArchiveFormat.Decompress((byte[])(await read.ExecuteScalarAsync(ct))!);
    }

    /// <summary>A timestamp as <see cref="ArchiveFormat.WriteRow"/> writes it: UTC with microseconds.</summary>
    static DateTimeOffset Time(string text) =>
        new(DateTime.ParseExact(text, ArchiveFormat.TimestampFormat, CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal), TimeSpan.Zero);

    static async Task<Dictionary<int, EntryPricing>> RatesAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, int[] ids,
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
