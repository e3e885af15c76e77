using System.Diagnostics;
using System.IO.Compression;
using Credits.Ledger;
using Credits.Ledger.Archive;
using Credits.Ledger.Commands;
using Credits.Ledger.Plans;
using Credits.Testing;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Credits.Benchmarks;

/// <summary>
/// The ledger archive (docs/SCALING.md, section 6, step 4): usage written four months back, then archived by the
/// archiver itself. Reports what an entry takes hot (table and indexes) and archived (chunks, roll-ups and cursors), and
/// the archiver's rate against its floor in the same run: the same entries read with <c>COPY ... TO STDOUT</c> and
/// gzipped, with no roll-up, no read-back and no transaction per chunk. Then the cold tier of keys (step 2), with the
/// archived entries removed: new usage for the same customers with the cold tier consulted (every new key tested
/// against its account's filters) and not (the baseline), alternated, and a replay of archived events, each found there.
/// </summary>
public sealed class LedgerArchiveScenario : IBenchmarkScenario
{
    public string Name => "archive";
    public string Description => "ledger archive: bytes per entry hot and archived, archiver entries/s against COPY + gzip, new usage with the cold tier of keys (options: --events 100000 --customers 100 --batch 1000 --new-events 40000 --replays 1000)";

    /// <summary>One plan whose allowance never runs out, so that every usage event is one debit entry (shared with the retention scenario).</summary>
    internal static readonly PlanCatalog Plans = new([
        new PlanDefinition { Id = "pro", DisplayName = "Pro", IncludedCredits = 1_000_000_000, OverageAllowed = true },
    ]);

    internal static readonly string[] Features = ["chat", "images", "embeddings", "speech"];

    public async Task RunAsync(BenchmarkContext context, CancellationToken cancellationToken)
    {
        var events = context.Int("events", 100_000);
        var customerCount = context.Int("customers", 100);
        var batchSize = context.Int("batch", 1000);
        var newEvents = context.Int("new-events", 40_000);
        var replays = context.Int("replays", 1000);
        var replayed = new List<DebitCredits>();
        var database = new PostgresDatabase();
        await database.InitializeAsync();
        try
        {
            var options = new DbContextOptionsBuilder<LedgerBenchmarkDbContext>().UseNpgsql(database.ConnectionString).Options;
            await using (var db = new LedgerBenchmarkDbContext(options)) await db.Database.EnsureCreatedAsync(cancellationToken);

            // Written in a month that is archivable now: four months back, with the default of three kept.
            var then = new ManualClock(DateTimeOffset.UtcNow.AddMonths(-4));
            var customers = Enumerable.Range(0, customerCount).Select(i => $"c{i}").ToArray();
            await using (var db = new LedgerBenchmarkDbContext(options))
            {
                var ledger = new CreditLedger(db, Plans, then);
                foreach (var chunk in customers.Chunk(200))
                    await ledger.ApplyAsync(chunk.Select(c => (LedgerCommand)new StartPeriod
                    {
                        CustomerId = c, IdempotencyKey = $"{c}-start", PlanId = "pro", PeriodStart = then.Now.AddDays(-1), PeriodEnd = then.Now.AddDays(29),
                    }).ToList(), cancellationToken);
                for (var first = 0; first < events; first += batchSize)
                {
                    then.Advance(TimeSpan.FromSeconds(1));
                    var batch = Enumerable.Range(first, Math.Min(batchSize, events - first)).Select(i => new DebitCredits
                    {
                        CustomerId = customers[i % customers.Length], IdempotencyKey = $"usage:1:{customers[i % customers.Length]}:{Guid.NewGuid()}",
                        Credits = 1 + i % 7, Note = Features[i % Features.Length], OccurredAt = then.Now,
                    }).ToList();
                    var results = await ledger.DebitBatchAsync(batch, cancellationToken);
                    if (results.Any(r => !r.Succeeded)) throw new InvalidOperationException(results.First(r => !r.Succeeded).Reason);
                    if (replayed.Count < replays) replayed.AddRange(batch.Take(replays - replayed.Count));
                }
            }

            await using var connection = new NpgsqlConnection(database.ConnectionString);
            await connection.OpenAsync(cancellationToken);
            var entries = await ScalarAsync<long>(connection, "SELECT count(*) FROM ledger_entries", cancellationToken);
            var hot = await BytesAsync(connection, ["ledger_entries"], cancellationToken);
            Console.WriteLine($"  {entries:N0} entries written, {hot / (double)entries:N0} bytes each in ledger_entries");

            var floor = Stopwatch.StartNew();
            long csvBytes = 0, gzipBytes = 0;
            using (var gzipped = new MemoryStream())
            {
                await using (var gzip = new GZipStream(gzipped, CompressionLevel.Optimal, leaveOpen: true))
                using (var copy = await connection.BeginTextExportAsync(
                    $"COPY (SELECT {ArchiveFormat.Columns} FROM ledger_entries ORDER BY customer_id, id) TO STDOUT (FORMAT csv, HEADER)", cancellationToken))
                {
                    var buffer = new char[65536];
                    int read;
                    while ((read = await copy.ReadAsync(buffer, cancellationToken)) > 0)
                    {
                        var bytes = System.Text.Encoding.UTF8.GetBytes(buffer, 0, read);
                        csvBytes += bytes.Length;
                        gzip.Write(bytes);
                    }
                }
                gzipBytes = gzipped.Length;
            }
            var floorRate = entries / floor.Elapsed.TotalSeconds;
            Console.WriteLine($"  floor: COPY + gzip of {entries:N0} entries in {floor.Elapsed.TotalSeconds:N1} s = {floorRate:N0}/s ({csvBytes / (double)entries:N0} B CSV, {gzipBytes / (double)entries:N1} B gzipped)");


            var archiving = Stopwatch.StartNew();
            var chunks = 0;
            while (true)
            {
                IReadOnlyList<string> due;
                await using (var db = new LedgerBenchmarkDbContext(options))
                    due = await new LedgerArchiver(db, TimeProvider.System).FindDueAccountsAsync(200, cancellationToken);
                var progressed = false;
                foreach (var customer in due)
                {
                    await using var db = new LedgerBenchmarkDbContext(options);
                    chunks += (await new LedgerArchiver(db, TimeProvider.System).ArchiveAccountAsync(customer, 3, int.MaxValue, cancellationToken)).Chunks;
                    progressed = true;
                }
                if (!progressed) break;
            }
            var archiveRate = entries / archiving.Elapsed.TotalSeconds;
            var archivedEntries = await ScalarAsync<long>(connection, "SELECT coalesce(sum(entries), 0)::bigint FROM ledger_archive_chunks", cancellationToken);
            if (archivedEntries != entries) throw new InvalidOperationException($"{archivedEntries} of {entries} entries archived");
            var archived = await BytesAsync(connection, ["ledger_archive_chunks", "ledger_archive_totals", "ledger_archive_cursors"], cancellationToken);
            var content = await ScalarAsync<long>(connection, "SELECT sum(octet_length(content))::bigint FROM ledger_archive_chunks", cancellationToken);
            Console.WriteLine($"  archiver: {entries:N0} entries in {chunks} chunks in {archiving.Elapsed.TotalSeconds:N1} s = {archiveRate:N0}/s");

            var coldKeys = await BytesAsync(connection, ["ledger_archive_keys"], cancellationToken);
            var keyCount = await ScalarAsync<long>(connection, "SELECT sum(keys)::bigint FROM ledger_archive_keys", cancellationToken);

            // Retention's removal: the archived entries leave the hot table, each chunk read back once more first.
            var removing = Stopwatch.StartNew();
            long removedEntries = 0;
            foreach (var customer in customers)
            {
                await using var db = new LedgerBenchmarkDbContext(options);
                removedEntries += await new LedgerArchiver(db, TimeProvider.System).RemoveArchivedAsync(customer, cancellationToken);
            }
            if (removedEntries != entries) throw new InvalidOperationException($"{removedEntries} of {entries} entries removed");
            var removalRate = entries / removing.Elapsed.TotalSeconds;
            // As autovacuum would after the removal (and as a partition dropped leaves nothing behind): without it the
            // new usage below would step over the removed entries' dead index tuples, which is not the cold tier's cost.
            await BytesAsync(connection, ["ledger_entries"], cancellationToken);
            // The same new usage on the same tables with and without the cold tier consulted, alternated: the baseline hides
            // the accounts' archive cursors (archived_through negated), so the ledger sees no account with archived months.
            // A round of each, not counted: the cold tier's code runs here for the first time, and would be timed while the
            // JIT still runs it unoptimized.
            await NewUsageAsync(options, customers, newEvents / 4, batchSize, cancellationToken);
            await ExecuteAsync(connection, "UPDATE ledger_archive_cursors SET archived_through = -archived_through", cancellationToken);
            await NewUsageAsync(options, customers, newEvents / 4, batchSize, cancellationToken);
            await ExecuteAsync(connection, "UPDATE ledger_archive_cursors SET archived_through = -archived_through", cancellationToken);
            double before = 0, after = 0;
            for (var round = 0; round < 2; round++)
            {
                await ExecuteAsync(connection, "UPDATE ledger_archive_cursors SET archived_through = -archived_through", cancellationToken);
                before += await NewUsageAsync(options, customers, newEvents / 4, batchSize, cancellationToken) / 2;
                await ExecuteAsync(connection, "UPDATE ledger_archive_cursors SET archived_through = -archived_through", cancellationToken);
                after += await NewUsageAsync(options, customers, newEvents / 4, batchSize, cancellationToken) / 2;
            }
            Console.WriteLine($"  new usage, archived months removed: {before:N0} events/s without the cold tier, {after:N0} with it");
            var replay = Stopwatch.StartNew();
            await using (var db = new LedgerBenchmarkDbContext(options))
            {
                var results = await new CreditLedger(db, Plans, TimeProvider.System).DebitBatchAsync(replayed, cancellationToken);
                if (results.Any(r => r.Outcome != Credits.Ledger.Results.LedgerOutcome.Duplicate))
                    throw new InvalidOperationException($"a replay of an archived event was {results.First(r => r.Outcome != Credits.Ledger.Results.LedgerOutcome.Duplicate).Outcome}");
            }
            replay.Stop();

            context.Report("hot entry", hot / (double)entries, "bytes", "ledger_entries, table and indexes, after VACUUM");
            context.Report("archived entry", archived / (double)entries, "bytes", $"chunks, roll-ups and cursors ({content / (double)entries:N1} B of gzipped CSV)");
            context.Report("cold keys", coldKeys / (double)keyCount, "bytes per key", $"ledger_archive_keys: filter, fences and sorted hashes of {keyCount:N0} keys");
            context.Report("new usage, cold tier not consulted (baseline)", before, "events/s",
                $"{newEvents / 2:N0} new events in batches of {batchSize}, archived months removed, the archive cursors hidden");
            context.Report("new usage, cold tier consulted", after, "events/s",
                $"the same, alternated with the baseline; every new key tested against its account's filters: {after / before:P0} of the baseline");
            context.Report("replay of an archived event", replay.Elapsed.TotalMilliseconds / replayed.Count, "ms per event",
                $"{replayed.Count} replays in one batch, each a duplicate found in the cold tier"); 
            context.Report("floor: one gzip of the whole table sorted by customer", gzipBytes / (double)entries, "bytes");
            context.Report("archiver", archiveRate, "entries/s", $"{chunks} chunks over {customerCount} customers, each read back and compared before commit");
            context.Report("removal", removalRate, "entries/s", "each chunk read back and compared again, then its entries deleted, under the account's lock");
            context.Report("floor: COPY TO STDOUT + gzip", floorRate, "entries/s", $"archiver at {archiveRate / floorRate:P0} of it");
            context.Report("peak RSS", BenchmarkContext.PeakRssMb(), "MB");
        }
        finally
        {
            await database.DisposeAsync();
        }
    }

    /// <summary>New usage for the customers now, through one ledger as a host's consumer would run it; events per second.</summary>
    static async Task<double> NewUsageAsync(DbContextOptions<LedgerBenchmarkDbContext> options, string[] customers, int events, int batchSize,
        CancellationToken ct)
    {
        var coldKeys = new ColdKeyFilters();
        var clock = Stopwatch.StartNew();
        for (var first = 0; first < events; first += batchSize)
        {
            await using var db = new LedgerBenchmarkDbContext(options);
            var batch = Enumerable.Range(first, Math.Min(batchSize, events - first)).Select(i => new DebitCredits
            {
                CustomerId = customers[i % customers.Length], IdempotencyKey = $"usage:1:{customers[i % customers.Length]}:{Guid.NewGuid()}",
                Credits = 1 + i % 7, Note = Features[i % Features.Length],
            }).ToList();
            var results = await new CreditLedger(db, Plans, TimeProvider.System, coldKeys: coldKeys).DebitBatchAsync(batch, ct);
            if (results.Any(r => r.Outcome != Credits.Ledger.Results.LedgerOutcome.Applied))
                throw new InvalidOperationException($"new usage was {results.First(r => r.Outcome != Credits.Ledger.Results.LedgerOutcome.Applied).Outcome}");
        }
        return events / clock.Elapsed.TotalSeconds;
    }

    static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(ct);
    }

    internal static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync(ct))!;
    }

    internal static async Task<long> BytesAsync(NpgsqlConnection connection, string[] tables, CancellationToken ct)
    {
        foreach (var table in tables)
        {
            await using var vacuum = new NpgsqlCommand($"VACUUM ANALYZE {table}", connection);
            await vacuum.ExecuteNonQueryAsync(ct);
        }
        await using var size = new NpgsqlCommand("SELECT sum(pg_total_relation_size(t))::bigint FROM unnest(@t::regclass[]) AS t", connection);
        size.Parameters.AddWithValue("t", tables);
        return (long)(await size.ExecuteScalarAsync(ct))!;
    }
}
