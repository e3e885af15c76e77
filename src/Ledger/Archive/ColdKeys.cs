using Credits.Ledger.Engine;
using Credits.Ledger.Model;
using Npgsql;

namespace Credits.Ledger.Archive;

/// <summary>
/// Finds the entries written under keys whose months are archived (docs/SCALING.md, section 6, step 2), so that a replay
/// of an old event is a duplicate with its original figures, or a conflict, once its entries have left the hot table:
/// the same answer the hot index gives for recent keys. Each wanted key is tested against its account's filters in
/// memory (<see cref="ColdKeyFilters"/>); one that passes reads the one block of sorted hashes that could hold it
/// (a false pass, about 0.8 % of new keys per chunk, ends there); a key found there reads its chunk and takes the
/// entries whose key text matches, so a hash collision can never pass for a replay.
/// </summary>
static class ColdKeys
{
    /// <summary>A key to look up among its customer's chunks, with its hash (<see cref="EntryHashes.Key"/>, computed once per transaction).</summary>
    public readonly record struct Wanted(string CustomerId, string Key, Guid Hash);

    public static async Task<List<PriorEntry>> FindAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, ColdKeyFilters filters,
        IReadOnlyDictionary<string, long> archivedThrough, IReadOnlyList<Wanted> wanted, CancellationToken ct)
    {
        var chunks = await FindChunksAsync(connection, transaction, filters, archivedThrough, wanted, ct);
        return chunks.Count == 0 ? [] : await ReadPriorAsync(connection, transaction, chunks, wanted, ct);
    }

    /// <summary>The chunks that hold at least one of the keys (or, not indexed yet, may).</summary>
    public static async Task<HashSet<(string CustomerId, long Chunk)>> FindChunksAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction,
        ColdKeyFilters filters, IReadOnlyDictionary<string, long> archivedThrough, IReadOnlyList<Wanted> wanted, CancellationToken ct)
    {
        if (wanted.Count == 0) return [];
        var accounts = await filters.GetAsync(connection, transaction, archivedThrough, ct);

        // The chunks that may hold each key: those whose filter it passes (with the block to read), or every chunk not
        // indexed yet.
        var blocks = new List<(string CustomerId, long Chunk, int Block, UInt128 Hash)>();
        var chunksToRead = new HashSet<(string CustomerId, long Chunk)>();
        foreach (var (customerId, _, keyHash) in wanted)
        {
            if (!accounts.TryGetValue(customerId, out var account)) continue;
            var hash = EntryHashes.KeyNumber(keyHash);
            foreach (var chunk in account.Chunks)
            {
                if (chunk.Filter is null) chunksToRead.Add((customerId, chunk.FirstEntryId));
                else if (KeyFilter.MayContain(chunk.Filter, hash) && ColdKeyIndex.BlockOf(chunk.Fences, hash) is >= 0 and var block)
                    blocks.Add((customerId, chunk.FirstEntryId, block, hash));
            }
        }
        if (blocks.Count > 0) await ConfirmAsync(connection, transaction, blocks, chunksToRead, ct);
        return chunksToRead;
    }

    /// <summary>The chunks' entries under the wanted keys, as the hot lookup returns them.</summary>
    static async Task<List<PriorEntry>> ReadPriorAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction,
        HashSet<(string CustomerId, long Chunk)> chunksToRead, IReadOnlyList<Wanted> wanted, CancellationToken ct)
    {
        var found = new List<PriorEntry>();
        var keys = wanted.ToLookup(w => w.CustomerId, w => w.Key);
        await using var read = new NpgsqlCommand("""
            SELECT c.customer_id, c.content FROM unnest(@c, @first) AS t(customer_id, first_entry_id)
            JOIN ledger_archive_chunks c ON c.customer_id = t.customer_id AND c.first_entry_id = t.first_entry_id
            """, connection, transaction);
        read.Parameters.Add(new NpgsqlParameter<string[]>("c", [.. chunksToRead.Select(c => c.CustomerId)]));
        read.Parameters.Add(new NpgsqlParameter<long[]>("first", [.. chunksToRead.Select(c => c.Chunk)]));
        await using var reader = await read.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var ofCustomer = keys[reader.GetString(0)].ToHashSet(StringComparer.Ordinal);
            foreach (var row in ArchiveFormat.ReadRows(ArchiveFormat.Decompress(reader.GetFieldValue<byte[]>(1))))
            {
                if (!ofCustomer.Contains(row[ArchiveFormat.IdempotencyKey]!)) continue;
                var e = ArchivedEntry.From(row);
                found.Add(new PriorEntry(e.IdempotencyKey, e.Sequence, e.CustomerId, e.Kind, e.Quantity, e.GrantId, e.ReservationId, e.Fingerprint));
            }
        }
        return found;
    }

    /// <summary>Reads the candidate blocks in one statement; a chunk whose block holds its key's hash is to be read.</summary>
    static async Task ConfirmAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction,
        List<(string CustomerId, long Chunk, int Block, UInt128 Hash)> blocks, HashSet<(string, long)> chunksToRead, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("""
            SELECT t.i, substring(k.hashes FROM t.o FOR @n)
            FROM unnest(@c, @first, @o) WITH ORDINALITY AS t(customer_id, first_entry_id, o, i)
            JOIN ledger_archive_keys k ON k.customer_id = t.customer_id AND k.first_entry_id = t.first_entry_id
            """, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<string[]>("c", [.. blocks.Select(b => b.CustomerId)]));
        command.Parameters.Add(new NpgsqlParameter<long[]>("first", [.. blocks.Select(b => b.Chunk)]));
        command.Parameters.Add(new NpgsqlParameter<int[]>("o", [.. blocks.Select(b => b.Block * ColdKeyIndex.BlockBytes + 1)]));
        command.Parameters.Add(new NpgsqlParameter<int>("n", ColdKeyIndex.BlockBytes));
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var (customerId, chunk, _, hash) = blocks[(int)reader.GetInt64(0) - 1];
            if (ColdKeyIndex.BlockHolds(reader.GetFieldValue<byte[]>(1), hash)) chunksToRead.Add((customerId, chunk));
        }
    }
}
