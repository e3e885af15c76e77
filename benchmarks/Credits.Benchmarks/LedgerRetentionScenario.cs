using System.Diagnostics;
using Credits.Ledger;
using Credits.Ledger.Archive;
using Credits.Ledger.Commands;
using Credits.Testing;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Credits.Benchmarks;

/// <summary>
/// A year of usage under retention (docs/SCALING.md, section 6): month after month of usage through the ledger, each
/// month followed by what the Orchestrator's archive job does with <c>Ledger:RemoveArchivedEntries</c> on (archive the
/// months <c>--keep-months</c> whole months back, as <c>Ledger:ArchiveAfterMonths</c> says, 3 by default; remove their
/// entries) and by a <c>VACUUM</c>, as autovacuum would, so that the next month reuses the space. Reports the bytes of
/// everything the ledger keeps per usage event at the end: the hot table with its indexes, the archive (chunks, roll-ups,
/// cursors) and the cold keys.
/// </summary>
public sealed class LedgerRetentionScenario : IBenchmarkScenario
{
    public string Name => "retention";
    public string Description => "a year of usage under retention: bytes per event kept, hot and archived (options: --months 12 --events-per-month 25000 --customers 100 --batch 1000 --keep-months 3)";

    static readonly string[] Archive = ["ledger_archive_chunks", "ledger_archive_totals", "ledger_archive_cursors"];

    public async Task RunAsync(BenchmarkContext context, CancellationToken cancellationToken)
    {
        var months = context.Int("months", 12);
        var perMonth = context.Int("events-per-month", 25_000);
        var customerCount = context.Int("customers", 100);
        var batchSize = context.Int("batch", 1000);
        var keepMonths = context.Int("keep-months", 3);
        // What the Orchestrator accepts (LedgerOptions): a figure for a setting it refuses would describe no deployment.
        if (keepMonths is < 2 or > 120) throw new ArgumentException("--keep-months is 2 to 120, as Ledger:ArchiveAfterMonths accepts");
        var database = new PostgresDatabase();
        await database.InitializeAsync();
        try
        {
            var options = new DbContextOptionsBuilder<LedgerBenchmarkDbContext>().UseNpgsql(database.ConnectionString).Options;
            await using (var db = new LedgerBenchmarkDbContext(options)) await db.Database.EnsureCreatedAsync(cancellationToken);
            await using var connection = new NpgsqlConnection(database.ConnectionString);
            await connection.OpenAsync(cancellationToken);

            var start = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
            var clock = new ManualClock(start);
            var customers = Enumerable.Range(0, customerCount).Select(i => $"c{i}").ToArray();
            var coldKeys = new ColdKeyFilters();
            long events = 0, removed = 0;
            var timer = Stopwatch.StartNew();
            for (var month = 0; month < months; month++)
            {
                clock.Set(start.AddMonths(month));
                await using (var db = new LedgerBenchmarkDbContext(options))
                {
                    var ledger = new CreditLedger(db, LedgerArchiveScenario.Plans, clock, coldKeys: coldKeys);
                    // A period a month, as a renewal would start it.
                    await ledger.ApplyAsync(customers.Select(c => (LedgerCommand)new StartPeriod
                    {
                        CustomerId = c, IdempotencyKey = $"{c}-start-{month}", PlanId = "pro", PeriodStart = clock.Now, PeriodEnd = clock.Now.AddMonths(1),
                    }).ToList(), cancellationToken);
                    for (var first = 0; first < perMonth; first += batchSize)
                    {
                        clock.Advance(TimeSpan.FromMinutes(1));
                        var batch = Enumerable.Range(first, Math.Min(batchSize, perMonth - first)).Select(i => new DebitCredits
                        {
                            CustomerId = customers[i % customers.Length], IdempotencyKey = $"usage:1:{customers[i % customers.Length]}:{Guid.NewGuid()}",
                            Credits = 1 + i % 7, Note = LedgerArchiveScenario.Features[i % LedgerArchiveScenario.Features.Length], OccurredAt = clock.Now,
                        }).ToList();
                        var results = await ledger.DebitBatchAsync(batch, cancellationToken);
                        if (results.Any(r => !r.Succeeded)) throw new InvalidOperationException(results.First(r => !r.Succeeded).Reason);
                        events += batch.Count;
                    }
                }
                // The month's end: the archive job's run, keepMonths whole months kept, then autovacuum.
                var jobTime = new ManualClock(start.AddMonths(month + 1));
                foreach (var customer in customers)
                {
                    await using var db = new LedgerBenchmarkDbContext(options);
                    var archiver = new LedgerArchiver(db, jobTime);
                    await archiver.ArchiveAccountAsync(customer, keepMonths, int.MaxValue, cancellationToken);
                    removed += await archiver.RemoveArchivedAsync(customer, cancellationToken);
                }
                await LedgerArchiveScenario.BytesAsync(connection, ["ledger_entries"], cancellationToken);
                Console.WriteLine($"  month {month + 1}: {events:N0} events, {removed:N0} entries removed, {timer.Elapsed.TotalSeconds:N0} s");
            }

            var entries = await LedgerArchiveScenario.ScalarAsync<long>(connection,
                "SELECT (SELECT count(*) FROM ledger_entries) + (SELECT coalesce(sum(entries), 0)::bigint FROM ledger_archive_chunks WHERE removed_at IS NOT NULL)",
                cancellationToken);
            var hotEntries = await LedgerArchiveScenario.ScalarAsync<long>(connection, "SELECT count(*) FROM ledger_entries", cancellationToken);
            var hot = await LedgerArchiveScenario.BytesAsync(connection, ["ledger_entries"], cancellationToken);
            var archive = await LedgerArchiveScenario.BytesAsync(connection, Archive, cancellationToken);
            var cold = await LedgerArchiveScenario.BytesAsync(connection, ["ledger_archive_keys"], cancellationToken);
            var total = hot + archive + cold;

            context.Report("everything kept per usage event", total / (double)events, "bytes",
                $"{months} months of {perMonth:N0} events over {customerCount} customers ({entries:N0} entries), {keepMonths} whole months kept hot: hot table, archive and cold keys");
            context.Report("  hot table and indexes", hot / (double)events, "bytes per event", $"{hotEntries:N0} entries still hot, {hot / (double)Math.Max(1, hotEntries):N0} bytes each");
            context.Report("  archive: chunks, roll-ups, cursors", archive / (double)events, "bytes per event");
            context.Report("  cold keys", cold / (double)events, "bytes per event");
            context.Report("entries removed", removed, "entries");
            context.Report("peak RSS", BenchmarkContext.PeakRssMb(), "MB");
        }
        finally
        {
            await database.DisposeAsync();
        }
    }
}
