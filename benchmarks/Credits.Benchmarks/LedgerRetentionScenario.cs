using System.Diagnostics;
using Credits.Ledger;
using Credits.Ledger.Archive;
using Credits.Ledger.Commands;
using Credits.Testing;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Credits.Benchmarks;

/// <summary>
/// A year of usage under retention (docs/SCALING.md, section 6): month after month of usage through the ledger, spread
/// over the month, and what the Orchestrator's archive job does with <c>Ledger:RemoveArchivedEntries</c> on (archive the
/// months <c>--keep-months</c> whole months back, as <c>Ledger:ArchiveAfterMonths</c> says, 3 by default; remove their
/// entries), each run followed by a <c>VACUUM</c>, as autovacuum would, so that the next entries reuse the space. The
/// job runs at the month's end, or <c>--job-runs-per-month</c> times through it; <c>--spread-days</c> gives each account
/// its own delay after the month's turn, a share of those days, to see whether removals spread over the month lower the
/// table's high-water mark (they do not: docs/BENCHMARKS.md, thirty-fourth session). Reports the bytes of everything the
/// ledger keeps per usage event at the end: the hot table with its indexes, the archive (chunks, roll-ups, cursors) and
/// the cold keys.
/// </summary>
public sealed class LedgerRetentionScenario : IBenchmarkScenario
{
    public string Name => "retention";
    public string Description => "a year of usage under retention: bytes per event kept, hot and archived (options: --months 12 --events-per-month 25000 --customers 100 --batch 1000 --keep-months 3 --job-runs-per-month 1 --spread-days 0)";

    static readonly string[] Archive = ["ledger_archive_chunks", "ledger_archive_totals", "ledger_archive_cursors"];

    public async Task RunAsync(BenchmarkContext context, CancellationToken cancellationToken)
    {
        var months = context.Int("months", 12);
        var perMonth = context.Int("events-per-month", 25_000);
        var customerCount = context.Int("customers", 100);
        var batchSize = context.Int("batch", 1000);
        var keepMonths = context.Int("keep-months", 3);
        var runsPerMonth = context.Int("job-runs-per-month", 1);
        var spreadDays = context.Int("spread-days", 0);
        // What the Orchestrator accepts (LedgerOptions): a figure for a setting it refuses would describe no deployment.
        if (keepMonths is < 2 or > 120) throw new ArgumentException("--keep-months is 2 to 120, as Ledger:ArchiveAfterMonths accepts");
        if (runsPerMonth < 1 || spreadDays is < 0 or > 28) throw new ArgumentException("--job-runs-per-month is at least 1, --spread-days 0 to 28");
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
                var monthStart = start.AddMonths(month);
                var monthLength = monthStart.AddMonths(1) - monthStart;
                clock.Set(monthStart);
                await using var db = new LedgerBenchmarkDbContext(options);
                var ledger = new CreditLedger(db, LedgerArchiveScenario.Plans, clock, coldKeys: coldKeys);
                // A period a month, as a renewal would start it.
                await ledger.ApplyAsync(customers.Select(c => (LedgerCommand)new StartPeriod
                {
                    CustomerId = c, IdempotencyKey = $"{c}-start-{month}", PlanId = "pro", PeriodStart = clock.Now, PeriodEnd = clock.Now.AddMonths(1),
                }).ToList(), cancellationToken);
                // The month's usage spread over it in batches, the archive job run runsPerMonth times in it (the last at its end).
                var batches = (perMonth + batchSize - 1) / batchSize;
                for (var b = 0; b < batches; b++)
                {
                    clock.Set(monthStart + monthLength * b / batches);
                    var first = b * batchSize;
                    var batch = Enumerable.Range(first, Math.Min(batchSize, perMonth - first)).Select(i => new DebitCredits
                    {
                        CustomerId = customers[i % customers.Length], IdempotencyKey = $"usage:1:{customers[i % customers.Length]}:{Guid.NewGuid()}",
                        Credits = 1 + i % 7, Note = LedgerArchiveScenario.Features[i % LedgerArchiveScenario.Features.Length], OccurredAt = clock.Now,
                    }).ToList();
                    var results = await ledger.DebitBatchAsync(batch, cancellationToken);
                    if (results.Any(r => !r.Succeeded)) throw new InvalidOperationException(results.First(r => !r.Succeeded).Reason);
                    events += batch.Count;
                    var run = (b + 1) * runsPerMonth / batches;
                    if (run != b * runsPerMonth / batches)
                        removed += await RunArchiveJobAsync(monthStart + monthLength * run / runsPerMonth);
                }
                Console.WriteLine($"  month {month + 1}: {events:N0} events, {removed:N0} entries removed, {timer.Elapsed.TotalSeconds:N0} s");
            }

            // The archive job's run at jobTime, keepMonths whole months kept, each account spreadDays later than the
            // month's turn by its share of the spread; then autovacuum.
            async Task<long> RunArchiveJobAsync(DateTimeOffset jobTime)
            {
                long removedNow = 0;
                for (var c = 0; c < customers.Length; c++)
                {
                    await using var db = new LedgerBenchmarkDbContext(options);
                    var archiver = new LedgerArchiver(db, new ManualClock(jobTime - TimeSpan.FromDays(spreadDays) * c / customers.Length));
                    await archiver.ArchiveAccountAsync(customers[c], keepMonths, int.MaxValue, cancellationToken);
                    removedNow += await archiver.RemoveArchivedAsync(customers[c], cancellationToken);
                }
                await LedgerArchiveScenario.BytesAsync(connection, ["ledger_entries"], cancellationToken);
                return removedNow;
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
