using Credits.Ledger.Storage;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace Credits.Ledger.Archive;

/// <summary>
/// Writes each customer's entries out a month at a time, once the month is <c>keepMonths</c> whole months in the past:
/// a chunk of gzipped CSV with its SHA-256 and its totals per kind and period (docs/SCALING.md, section 6, step 4).
/// Each chunk's event keys go to the cold tier with it (<see cref="ArchivedKeys"/>, step 2), which keeps a duplicate
/// event from being debited again once its entry has left. The entries stay in the ledger until
/// <see cref="RemoveArchivedAsync"/> removes them (with <c>Ledger:RemoveArchivedEntries</c>); every reader of old
/// entries reads the archive for months removed (<see cref="ArchivedEntries"/>).
/// </summary>
/// <remarks>
/// A month can be archived because nothing is ever recorded in the past: <c>recorded_at</c> is the writer's clock
/// when it writes, so a month that ended weeks ago cannot gain an entry. Chunks follow the entry ids, not the
/// timestamps: a chunk takes the customer's entries after the last archived id, in id order, for as long as they were
/// recorded before the end of the first one's month. So every entry lands in exactly one chunk, even the rare entry
/// whose id and time disagree across a month's end. Each chunk is read back by PostgreSQL itself before its
/// transaction commits (<see cref="ArchiveCheck"/>): an archive that would not restore to the same entries is never
/// kept, and every chunk is read back again every <c>Ledger:ArchiveVerifyEvery</c> (<see cref="VerifyDueAsync"/>). The
/// customer's cursor row is locked with <c>SKIP LOCKED</c>, so instances share the work.
/// </remarks>
public sealed class LedgerArchiver(DbContext db, TimeProvider clock)
{
    /// <summary>Entries per chunk at most: a month of a busy customer takes several chunks, each well inside a <c>bytea</c>.</summary>
    public const int MaxEntriesPerChunk = 50_000;

    /// <summary>Accounts whose cursor is due, or that have none yet, in customer-id order.</summary>
    public Task<IReadOnlyList<string>> FindDueAccountsAsync(int limit, CancellationToken ct) =>
        LedgerConnection.OnConnectionAsync<IReadOnlyList<string>>(db, async (connection, transaction) =>
        {
            await using var command = new NpgsqlCommand("""
                SELECT a.customer_id FROM ledger_accounts a
                LEFT JOIN ledger_archive_cursors c ON c.customer_id = a.customer_id
                WHERE c.customer_id IS NULL OR c.next_check_at <= @now
                ORDER BY a.customer_id LIMIT @limit
                """, connection, transaction);
            command.Parameters.Add(new NpgsqlParameter<DateTime>("now", clock.GetUtcNow().UtcDateTime));
            command.Parameters.Add(new NpgsqlParameter<int>("limit", limit));
            var due = new List<string>();
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) due.Add(reader.GetString(0));
            return due;
        }, ct);

    /// <summary>
    /// Archives the account's chunks, each in its own transaction, until nothing more is due, another instance holds the
    /// account, or <paramref name="maxChunks"/> are written. Returns how many were written and the last step's outcome
    /// (<see cref="ArchiveOutcome.Archived"/> when the budget ran out first).
    /// </summary>
    public async Task<(int Chunks, ArchiveOutcome Last)> ArchiveAccountAsync(string customerId, int keepMonths, int maxChunks, CancellationToken ct,
        int maxEntries = MaxEntriesPerChunk)
    {
        var chunks = 0;
        while (chunks < maxChunks)
        {
            var outcome = await ArchiveNextChunkAsync(customerId, keepMonths, ct, maxEntries);
            if (outcome != ArchiveOutcome.Archived) return (chunks, outcome);
            chunks++;
        }
        return (chunks, ArchiveOutcome.Archived);
    }

    /// <summary>
    /// Archives the account's next chunk, of at most <paramref name="maxEntries"/> entries, if its month is
    /// <paramref name="keepMonths"/> whole months in the past; in one transaction with the cursor's move.
    /// </summary>
    public Task<ArchiveOutcome> ArchiveNextChunkAsync(string customerId, int keepMonths, CancellationToken ct, int maxEntries = MaxEntriesPerChunk) =>
        LedgerConnection.InTransactionAsync(db, async (connection, transaction) =>
        {
            var now = clock.GetUtcNow();
            var thisMonth = ArchiveMonths.Of(now);
            await using (var claim = new NpgsqlCommand("""
                INSERT INTO ledger_archive_cursors (customer_id, archived_through, next_check_at) VALUES (@c, 0, '-infinity')
                ON CONFLICT (customer_id) DO NOTHING
                """, connection, transaction))
            {
                claim.Parameters.Add(new NpgsqlParameter<string>("c", customerId));
                await claim.ExecuteNonQueryAsync(ct);
            }
            long after;
            await using (var cursor = new NpgsqlCommand("""
                SELECT archived_through FROM ledger_archive_cursors
                WHERE customer_id = @c AND next_check_at <= @now FOR UPDATE SKIP LOCKED
                """, connection, transaction))
            {
                cursor.Parameters.Add(new NpgsqlParameter<string>("c", customerId));
                cursor.Parameters.Add(new NpgsqlParameter<DateTime>("now", now.UtcDateTime));
                if (await cursor.ExecuteScalarAsync(ct) is not long through) return ArchiveOutcome.Busy;
                after = through;
            }

            var chunk = await ReadChunkAsync(connection, transaction, customerId, after, thisMonth.AddMonths(-keepMonths), maxEntries, ct);
            if (chunk.Written is not { } written)
            {
                // The next entry (or, with none, the next one to be written, this month) is of a month not yet old enough.
                await MoveCursorAsync(connection, transaction, customerId, after, (chunk.NextMonth ?? thisMonth).AddMonths(1 + keepMonths), ct);
                return ArchiveOutcome.NothingDue;
            }
            await SaveAsync(connection, transaction, written, now, ct);
            var differences = await ArchiveCheck.VerifyAsync(connection, transaction, customerId, written.Chunk.FirstEntryId, ct);
            if (differences.Count > 0)
                throw new InvalidOperationException(
                    $"The archive of {customerId}'s entries {written.Chunk.FirstEntryId}..{written.Chunk.LastEntryId} does not read back as the entries: " +
                    string.Join("; ", differences));
            await MoveCursorAsync(connection, transaction, customerId, written.Chunk.LastEntryId, null, ct);
            return ArchiveOutcome.Archived;
        }, ct);

    /// <summary>
    /// Removes from <c>ledger_entries</c> the entries of the customer's archived chunks (retention's second half,
    /// docs/ledger-archive.md, "Removal"), oldest chunk first, in one transaction. Each chunk is read back and compared with
    /// its entries once more first, and only chunks that agree in full, keys included, are removed, up to the first that
    /// does not (the verification pass then records what differs); the count deleted must be the chunk's, else nothing
    /// is. The chunk's keys have been in the cold tier since it was archived, so a ledger transaction finds a key either
    /// way. The deletes run under the account's row lock, which orders them with the account's ledger transactions; a
    /// chunk is marked removed in the same statement, so two instances never both remove one. Returns how many entries
    /// were removed.
    /// </summary>
    public Task<int> RemoveArchivedAsync(string customerId, CancellationToken ct) =>
        LedgerConnection.InTransactionAsync(db, async (connection, transaction) =>
        {
            var chunks = new List<(long First, long Last, int Entries)>();
            await using (var select = new NpgsqlCommand("""
                SELECT first_entry_id, last_entry_id, entries FROM ledger_archive_chunks
                WHERE customer_id = @c AND removed_at IS NULL AND difference IS NULL ORDER BY first_entry_id
                """, connection, transaction))
            {
                select.Parameters.Add(new NpgsqlParameter<string>("c", customerId));
                await using var reader = await select.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct)) chunks.Add((reader.GetInt64(0), reader.GetInt64(1), reader.GetInt32(2)));
            }
            // The read-backs before the lock (an archived month's entries never change), so the account's usage waits
            // for the deletes only, not for a second or more of comparing a busy customer's chunks.
            var sound = new List<(long First, long Last, int Entries)>();
            foreach (var chunk in chunks)
            {
                if ((await ArchiveCheck.VerifyAsync(connection, transaction, customerId, chunk.First, ct)).Count > 0) break;
                sound.Add(chunk);
            }
            if (sound.Count == 0) return 0;
            await using (var lockAccount = new NpgsqlCommand("SELECT 1 FROM ledger_accounts WHERE customer_id = @c FOR UPDATE", connection, transaction))
            {
                lockAccount.Parameters.Add(new NpgsqlParameter<string>("c", customerId));
                await lockAccount.ExecuteNonQueryAsync(ct);
            }
            var removed = 0;
            foreach (var (first, last, entries) in sound)
            {
                // Marked first: a chunk another instance removed while this one compared is left to it.
                await using var delete = new NpgsqlCommand("""
                    WITH marked AS (
                      UPDATE ledger_archive_chunks SET removed_at = @now
                      WHERE customer_id = @c AND first_entry_id = @first AND removed_at IS NULL RETURNING 1)
                    DELETE FROM ledger_entries WHERE customer_id = @c AND id BETWEEN @first AND @last AND EXISTS (SELECT 1 FROM marked)
                    RETURNING 1
                    """, connection, transaction);
                delete.Parameters.Add(new NpgsqlParameter<string>("c", customerId));
                delete.Parameters.Add(new NpgsqlParameter<long>("first", first));
                delete.Parameters.Add(new NpgsqlParameter<long>("last", last));
                delete.Parameters.Add(new NpgsqlParameter<DateTime>("now", clock.GetUtcNow().UtcDateTime));
                var deleted = 0;
                await using (var reader = await delete.ExecuteReaderAsync(ct))
                    while (await reader.ReadAsync(ct)) deleted++;
                // A count that is not the chunk's means the ledger and the archive disagree after all: the whole removal
                // rolls back. None at all is a chunk another instance removed meanwhile.
                if (deleted != entries && deleted != 0)
                    throw new InvalidOperationException(
                        $"Removing {customerId}'s entries {first}..{last} deleted {deleted} entries, the chunk holds {entries}; nothing removed.");
                removed += deleted;
            }
            return removed;
        }, ct);

    /// <summary>
    /// Reads back, and compares again, up to <paramref name="limit"/> chunks last verified more than
    /// <paramref name="every"/> ago, and those with a difference once an hour, so that a repair shows soon. Records when
    /// and what was found, for the money audit to report (<c>archive_mismatch</c>). Returns how many were verified and
    /// how many of them differ.
    /// </summary>
    public Task<(int Verified, int WithDifferences)> VerifyDueAsync(TimeSpan every, int limit, CancellationToken ct) =>
        LedgerConnection.InTransactionAsync(db, async (connection, transaction) =>
        {
            var now = clock.GetUtcNow();
            var due = new List<(string CustomerId, long FirstEntryId)>();
            await using (var select = new NpgsqlCommand("""
                SELECT customer_id, first_entry_id FROM (
                  (SELECT customer_id, first_entry_id, verified_at FROM ledger_archive_chunks
                   WHERE verified_at <= @before ORDER BY verified_at LIMIT @limit)
                  UNION
                  (SELECT customer_id, first_entry_id, verified_at FROM ledger_archive_chunks
                   WHERE difference IS NOT NULL AND verified_at <= @retry LIMIT @limit)) AS due
                ORDER BY verified_at LIMIT @limit
                """, connection, transaction))
            {
                select.Parameters.Add(new NpgsqlParameter<DateTime>("before", (now - every).UtcDateTime));
                select.Parameters.Add(new NpgsqlParameter<DateTime>("retry", (now - TimeSpan.FromHours(1)).UtcDateTime));
                select.Parameters.Add(new NpgsqlParameter<int>("limit", limit));
                await using var reader = await select.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct)) due.Add((reader.GetString(0), reader.GetInt64(1)));
            }

            var withDifferences = 0;
            foreach (var (customerId, first) in due)
            {
                // Another instance on the same chunk: the lock decides, and the loser leaves it to the winner.
                await using (var claim = new NpgsqlCommand(
                    "SELECT 1 FROM ledger_archive_chunks WHERE customer_id = @c AND first_entry_id = @first FOR UPDATE SKIP LOCKED", connection, transaction))
                {
                    claim.Parameters.Add(new NpgsqlParameter<string>("c", customerId));
                    claim.Parameters.Add(new NpgsqlParameter<long>("first", first));
                    if (await claim.ExecuteScalarAsync(ct) is null) continue;
                }
                // The comparison in a savepoint: content PostgreSQL cannot read aborts it, and the record below still commits.
                await transaction!.SaveAsync("verify", ct);
                var differences = await ArchiveCheck.VerifyAsync(connection, transaction, customerId, first, ct);
                await transaction.RollbackAsync("verify", ct);
                if (differences.Count > 0) withDifferences++;
                await using var record = new NpgsqlCommand(
                    "UPDATE ledger_archive_chunks SET verified_at = @now, difference = @d WHERE customer_id = @c AND first_entry_id = @first",
                    connection, transaction);
                record.Parameters.Add(new NpgsqlParameter<DateTime>("now", now.UtcDateTime));
                record.Parameters.Add(new NpgsqlParameter("d", NpgsqlDbType.Text) { Value = differences.Count > 0 ? string.Join("; ", differences) : DBNull.Value });
                record.Parameters.Add(new NpgsqlParameter<string>("c", customerId));
                record.Parameters.Add(new NpgsqlParameter<long>("first", first));
                await record.ExecuteNonQueryAsync(ct);
            }
            return (due.Count, withDifferences);
        }, ct);

    sealed record WrittenChunk(ArchivedChunk Chunk, List<ArchivedTotal> Totals, ArchivedKeys Keys);

    /// <summary>
    /// The chunk after <paramref name="after"/> if its month is before <paramref name="cutoff"/>; else the month of the
    /// next entry, or null when there is none yet.
    /// </summary>
    static async Task<(WrittenChunk? Written, DateTimeOffset? NextMonth)> ReadChunkAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction,
        string customerId, long after, DateTimeOffset cutoff, int maxEntries, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand($"""
            SELECT {ArchiveFormat.Columns} FROM ledger_entries
            WHERE customer_id = @c AND id > @after ORDER BY id LIMIT @limit
            """, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<string>("c", customerId));
        command.Parameters.Add(new NpgsqlParameter<long>("after", after));
        command.Parameters.Add(new NpgsqlParameter<int>("limit", maxEntries));
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return (null, null);
        var month = ArchiveMonths.Of(reader.GetFieldValue<DateTimeOffset>(ArchiveFormat.RecordedAt));
        if (month >= cutoff) return (null, month);

        var end = month.AddMonths(1);
        var totals = new Dictionary<(string Kind, DateTimeOffset Period), ArchivedTotal>();
        using var csv = new MemoryStream();
        long first = reader.GetInt64(ArchiveFormat.Id), last = first;
        var entries = 0;
        var keys = new HashSet<string>(StringComparer.Ordinal);
        await using (var writer = ArchiveFormat.CreateWriter(csv))
        {
            do
            {
                if (reader.GetFieldValue<DateTimeOffset>(ArchiveFormat.RecordedAt) >= end) break;
                ArchiveFormat.WriteRow(writer, reader);
                last = reader.GetInt64(ArchiveFormat.Id);
                entries++;
                keys.Add(reader.GetString(ArchiveFormat.IdempotencyKey));
                var key = (reader.GetString(ArchiveFormat.Kind), reader.GetFieldValue<DateTimeOffset>(ArchiveFormat.PeriodStart));
                if (!totals.TryGetValue(key, out var total))
                    totals[key] = total = new ArchivedTotal
                    {
                        CustomerId = customerId, FirstEntryId = first, Kind = Enum.Parse<Model.EntryKind>(key.Item1), PeriodStart = key.Item2,
                    };
                total.Amount += reader.GetInt64(ArchiveFormat.Amount);
                total.HeldChange += reader.GetInt64(ArchiveFormat.HeldChange);
                total.Quantity += reader.GetInt64(ArchiveFormat.Quantity);
                total.Entries++;
            } while (await reader.ReadAsync(ct));
        }
        var bytes = csv.GetBuffer().AsSpan(0, (int)csv.Length);
        var chunk = new ArchivedChunk
        {
            CustomerId = customerId, FirstEntryId = first, LastEntryId = last, Month = month, Entries = entries,
            Content = ArchiveFormat.Compress(bytes), ContentSha256 = ArchiveFormat.Sha256(bytes),
        };
        return (new WrittenChunk(chunk, [.. totals.Values], ColdKeyIndex.Build(customerId, first, keys)), month);
    }

    static async Task SaveAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, WrittenChunk written, DateTimeOffset now, CancellationToken ct)
    {
        var c = written.Chunk;
        var k = written.Keys;
        await using var batch = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand("""
                    INSERT INTO ledger_archive_chunks (customer_id, first_entry_id, last_entry_id, month, entries, content, content_sha256,
                        archived_at, verified_at)
                    VALUES (@c, @first, @last, @month, @entries, @content, @sha, @now, @now)
                    """)
                {
                    Parameters =
                    {
                        new NpgsqlParameter<string>("c", c.CustomerId),
                        new NpgsqlParameter<long>("first", c.FirstEntryId),
                        new NpgsqlParameter<long>("last", c.LastEntryId),
                        new NpgsqlParameter<DateTime>("month", c.Month.UtcDateTime),
                        new NpgsqlParameter<int>("entries", c.Entries),
                        new NpgsqlParameter<byte[]>("content", c.Content),
                        new NpgsqlParameter<byte[]>("sha", c.ContentSha256),
                        new NpgsqlParameter<DateTime>("now", now.UtcDateTime),
                    },
                },
                new NpgsqlBatchCommand("""
                    INSERT INTO ledger_archive_totals (customer_id, first_entry_id, kind, period_start, amount, held_change, quantity, entries)
                    SELECT @c, @first, k, p, a, h, q, n FROM unnest(@k, @p, @a, @h, @q, @n) AS t(k, p, a, h, q, n)
                    """)
                {
                    Parameters =
                    {
                        new NpgsqlParameter<string>("c", c.CustomerId),
                        new NpgsqlParameter<long>("first", c.FirstEntryId),
                        new NpgsqlParameter<string[]>("k", written.Totals.Select(t => t.Kind.ToString()).ToArray()),
                        new NpgsqlParameter<DateTime[]>("p", written.Totals.Select(t => t.PeriodStart.UtcDateTime).ToArray()),
                        new NpgsqlParameter<long[]>("a", written.Totals.Select(t => t.Amount).ToArray()),
                        new NpgsqlParameter<long[]>("h", written.Totals.Select(t => t.HeldChange).ToArray()),
                        new NpgsqlParameter<long[]>("q", written.Totals.Select(t => t.Quantity).ToArray()),
                        new NpgsqlParameter<int[]>("n", written.Totals.Select(t => t.Entries).ToArray()),
                    },
                },
                InsertKeys(k),
            },
        };
        await batch.ExecuteNonQueryAsync(ct);
    }

    static NpgsqlBatchCommand InsertKeys(ArchivedKeys k) => new("""
        INSERT INTO ledger_archive_keys (customer_id, first_entry_id, keys, filter, fences, hashes) VALUES (@c, @first, @keys, @filter, @fences, @hashes)
        """)
    {
        Parameters =
        {
            new NpgsqlParameter<string>("c", k.CustomerId),
            new NpgsqlParameter<long>("first", k.FirstEntryId),
            new NpgsqlParameter<int>("keys", k.Keys),
            new NpgsqlParameter<byte[]>("filter", k.Filter),
            new NpgsqlParameter<byte[]>("fences", k.Fences),
            new NpgsqlParameter<byte[]>("hashes", k.Hashes),
        },
    };

    /// <summary>
    /// Writes the cold keys of up to <paramref name="limit"/> chunks archived without them (before the cold tier existed),
    /// from the chunks' own content. Until then a lookup on such an account reads the chunk whole. Returns how many.
    /// </summary>
    public Task<int> IndexUnindexedKeysAsync(int limit, CancellationToken ct) =>
        LedgerConnection.InTransactionAsync(db, async (connection, transaction) =>
        {
            var chunks = new List<(string CustomerId, long First, byte[] Content)>();
            await using (var select = new NpgsqlCommand("""
                SELECT c.customer_id, c.first_entry_id, c.content FROM ledger_archive_chunks c
                WHERE NOT EXISTS (SELECT 1 FROM ledger_archive_keys k WHERE k.customer_id = c.customer_id AND k.first_entry_id = c.first_entry_id)
                ORDER BY c.customer_id, c.first_entry_id LIMIT @limit FOR UPDATE SKIP LOCKED
                """, connection, transaction))
            {
                select.Parameters.Add(new NpgsqlParameter<int>("limit", limit));
                await using var reader = await select.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct)) chunks.Add((reader.GetString(0), reader.GetInt64(1), reader.GetFieldValue<byte[]>(2)));
            }
            if (chunks.Count == 0) return 0;
            await using var batch = new NpgsqlBatch(connection, transaction);
            foreach (var (customerId, first, content) in chunks)
                batch.BatchCommands.Add(InsertKeys(ColdKeyIndex.Build(customerId, first,
                    ArchiveFormat.ReadRows(ArchiveFormat.Decompress(content)).Select(row => row[ArchiveFormat.IdempotencyKey]!))));
            await batch.ExecuteNonQueryAsync(ct);
            return chunks.Count;
        }, ct);

    static async Task MoveCursorAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string customerId, long through,
        DateTimeOffset? nextCheckAt, CancellationToken ct)
    {
        // No next check (null) leaves the account due at once, for its next chunk.
        await using var command = new NpgsqlCommand("""
            UPDATE ledger_archive_cursors SET archived_through = @through, next_check_at = coalesce(@next, '-infinity') WHERE customer_id = @c
            """, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<string>("c", customerId));
        command.Parameters.Add(new NpgsqlParameter<long>("through", through));
        command.Parameters.Add(new NpgsqlParameter("next", NpgsqlDbType.TimestampTz) { Value = nextCheckAt is { } at ? at.UtcDateTime : DBNull.Value });
        await command.ExecuteNonQueryAsync(ct);
    }
}
