using System.IO.Compression;
using Npgsql;

namespace Credits.Ledger.Archive;

/// <summary>
/// Reads an archived chunk back through PostgreSQL's own CSV reader and compares it with what it claims to hold: its
/// SHA-256, its count and id range, its totals, entry by entry and column by column the ledger's entries of its
/// range, and its event keys in the cold tier. Once the chunk's entries are removed, it is the entries: it is compared
/// with its SHA-256, roll-ups and keys, and an entry of its range that is back in the ledger is a difference. The
/// archiver runs it before a chunk's transaction commits, before it removes the chunk's entries, and again every
/// <c>Ledger:ArchiveVerifyEvery</c> (<see cref="LedgerArchiver.VerifyDueAsync"/>), whose findings the money audit reports
/// (<c>archive_mismatch</c>). Must run inside a transaction: the rows are read into a temporary table that is dropped at
/// commit. Content that PostgreSQL cannot read aborts that transaction, and comes back as a
/// difference.
/// </summary>
public static class ArchiveCheck
{
    static readonly string[] ColumnNames = ArchiveFormat.Columns.Split(',');

    // The ledger's own column types, so the read-back cannot drift from the table it restores into; no constraints.
    const string LoadSql = $"""
        CREATE TEMP TABLE IF NOT EXISTS archived_entries ON COMMIT DROP AS SELECT {ArchiveFormat.Columns} FROM ledger_entries WITH NO DATA;
        TRUNCATE archived_entries;
        """;

    static readonly string CompareSql = $"""
        SELECT d FROM (
          SELECT format('%s entries read back, %s recorded with the chunk', count(*), @entries) AS d
          FROM archived_entries HAVING count(*) <> @entries
          UNION ALL
          SELECT format('entry %s of customer %s is outside the chunk', id, customer_id)
          FROM archived_entries WHERE customer_id <> @c OR id < @first OR id > @last
          UNION ALL
          SELECT format('%s entries of period %s: %s credits, %s held, %s quantity, %s entries in the archive; the roll-up says %s, %s, %s, %s',
                        coalesce(a.kind, t.kind), coalesce(a.period_start, t.period_start), a.amount, a.held_change, a.quantity, a.entries,
                        t.amount, t.held_change, t.quantity, t.entries)
          FROM (SELECT kind, period_start, sum(amount) AS amount, sum(held_change) AS held_change, sum(quantity) AS quantity, count(*) AS entries
                FROM archived_entries GROUP BY kind, period_start) a
          FULL JOIN (SELECT kind, period_start, amount, held_change, quantity, entries FROM ledger_archive_totals
                     WHERE customer_id = @c AND first_entry_id = @first) t
            ON t.kind = a.kind AND t.period_start = a.period_start
          WHERE ROW(a.amount, a.held_change, a.quantity, a.entries) IS DISTINCT FROM ROW(t.amount, t.held_change, t.quantity, t.entries)
          UNION ALL
          SELECT format('entry %s: the archive and the ledger differ', coalesce(a.id, e.id))
          FROM archived_entries a
          FULL JOIN (SELECT {ArchiveFormat.Columns} FROM ledger_entries WHERE customer_id = @c AND id BETWEEN @first AND @last) e
            ON e.id = a.id
          WHERE ROW({Row("a")}) IS DISTINCT FROM ROW({Row("e")}) AND (NOT @removed OR e.id IS NOT NULL)
        ) differences LIMIT 20
        """;

    static string Row(string alias) => string.Join(", ", ColumnNames.Select(c => $"{alias}.{c}"));

    /// <summary>Each way the chunk differs from what it should hold; empty when it is sound.</summary>
    public static async Task<IReadOnlyList<string>> VerifyAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction,
        string customerId, long firstEntryId, CancellationToken ct)
    {
        long last;
        int entries;
        byte[] content, sha;
        bool removed;
        await using (var read = new NpgsqlCommand("""
            SELECT last_entry_id, entries, content, content_sha256, removed_at IS NOT NULL FROM ledger_archive_chunks
            WHERE customer_id = @c AND first_entry_id = @first
            """, connection, transaction))
        {
            read.Parameters.Add(new NpgsqlParameter<string>("c", customerId));
            read.Parameters.Add(new NpgsqlParameter<long>("first", firstEntryId));
            await using var reader = await read.ExecuteReaderAsync(ct);
            if (!await reader.ReadAsync(ct)) return ["the chunk is missing"];
            (last, entries, content, sha, removed) = (reader.GetInt64(0), reader.GetInt32(1), reader.GetFieldValue<byte[]>(2),
                reader.GetFieldValue<byte[]>(3), reader.GetBoolean(4));
        }

        byte[] csv;
        try
        {
            csv = ArchiveFormat.Decompress(content);
        }
        catch (InvalidDataException)
        {
            return ["the content is not gzip"];
        }
        if (!ArchiveFormat.Sha256(csv).AsSpan().SequenceEqual(sha)) return ["the content does not match its SHA-256"];

        await using (var load = new NpgsqlCommand(LoadSql, connection, transaction)) await load.ExecuteNonQueryAsync(ct);
        try
        {
            await using var copy = await connection.BeginTextImportAsync(
                $"COPY archived_entries ({ArchiveFormat.Columns}) FROM STDIN (FORMAT csv, HEADER true)", ct);
            await copy.WriteAsync(System.Text.Encoding.UTF8.GetString(csv).AsMemory(), ct);
        }
        catch (PostgresException e)
        {
            // The transaction is aborted now: the caller ends it.
            return [$"PostgreSQL cannot read the content back ({e.SqlState}: {e.MessageText})"];
        }

        await using var compare = new NpgsqlCommand(CompareSql, connection, transaction);
        compare.Parameters.Add(new NpgsqlParameter<string>("c", customerId));
        compare.Parameters.Add(new NpgsqlParameter<long>("first", firstEntryId));
        compare.Parameters.Add(new NpgsqlParameter<long>("last", last));
        compare.Parameters.Add(new NpgsqlParameter<int>("entries", entries));
        compare.Parameters.Add(new NpgsqlParameter<bool>("removed", removed));
        var differences = new List<string>();
        await using (var reader = await compare.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct)) differences.Add(reader.GetString(0));
        if (await KeysDifferenceAsync(connection, transaction, customerId, firstEntryId, ct) is { } keys) differences.Add(keys);
        return differences;
    }

    /// <summary>
    /// The cold tier's keys (<see cref="ArchivedKeys"/>) against the keys of the entries read back, hashed by PostgreSQL:
    /// a key missing from them would let a replay of its event be debited again once the entries leave.
    /// </summary>
    static async Task<string?> KeysDifferenceAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string customerId,
        long firstEntryId, CancellationToken ct)
    {
        await using var read = new NpgsqlCommand("""
            SELECT (SELECT string_agg(uuid_send(h), ''::bytea ORDER BY h)
                    FROM (SELECT DISTINCT md5(idempotency_key)::uuid AS h FROM archived_entries) AS d),
                   k.keys, k.filter, k.fences, k.hashes
            FROM (SELECT) AS one LEFT JOIN ledger_archive_keys k ON k.customer_id = @c AND k.first_entry_id = @first
            """, connection, transaction);
        read.Parameters.Add(new NpgsqlParameter<string>("c", customerId));
        read.Parameters.Add(new NpgsqlParameter<long>("first", firstEntryId));
        await using var reader = await read.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        if (reader.IsDBNull(1)) return "the chunk's event keys are not in the cold tier";
        var hashes = ColdKeyIndex.Read(reader.IsDBNull(0) ? [] : reader.GetFieldValue<byte[]>(0));
        var expected = ColdKeyIndex.Build(customerId, firstEntryId, hashes);
        return reader.GetInt32(1) == expected.Keys
               && reader.GetFieldValue<byte[]>(2).AsSpan().SequenceEqual(expected.Filter)
               && reader.GetFieldValue<byte[]>(3).AsSpan().SequenceEqual(expected.Fences)
               && reader.GetFieldValue<byte[]>(4).AsSpan().SequenceEqual(expected.Hashes)
            ? null
            : reader.GetInt32(1) != expected.Keys
                ? $"the cold tier holds {reader.GetInt32(1)} event keys for the chunk, its entries {expected.Keys}"
                : "the cold tier's event keys for the chunk are not its entries' keys";
    }
}
