using System.Diagnostics;
using Credits.Ledger;
using Credits.Ledger.Commands;
using Credits.Ledger.Model;
using Credits.Ledger.Plans;
using Credits.Testing;
using Microsoft.EntityFrameworkCore;

namespace Credits.Benchmarks;

/// <summary>
/// The ledger library alone (no broker): debits/s committed in PostgreSQL, one event per
/// transaction and in batches, across many customers and for one hot customer, with several
/// writers at once as consumers would be. The ceiling the ingestion paths can reach.
/// </summary>
public sealed class LedgerDebitThroughputScenario : IBenchmarkScenario
{
    public string Name => "ledger-debits";
    public string Description => "ledger library debits/s: single and batched, many customers and one hot customer (options: --events 20000 --writers 8 --batch 500 --customers 1000)";

    static readonly PlanCatalog Plans = new([
        new PlanDefinition { Id = "pro", DisplayName = "Pro", IncludedCredits = 1_000_000_000, OverageAllowed = true, LowBalanceThresholds = [1000] },
    ]);

    public async Task RunAsync(BenchmarkContext context, CancellationToken cancellationToken)
    {
        var events = context.Int("events", 20_000);
        var writers = context.Int("writers", 8);
        var batchSize = context.Int("batch", 500);
        var customerCount = context.Int("customers", 1000);
        var database = new PostgresDatabase();
        await database.InitializeAsync();
        try
        {
            var options = new DbContextOptionsBuilder<LedgerBenchmarkDbContext>().UseNpgsql(database.ConnectionString).Options;
            await using (var db = new LedgerBenchmarkDbContext(options)) await db.Database.EnsureCreatedAsync(cancellationToken);
            var customers = Enumerable.Range(0, customerCount).Select(i => $"bench-{i}").ToArray();
            await using (var db = new LedgerBenchmarkDbContext(options))
            {
                var ledger = new CreditLedger(db, Plans, TimeProvider.System);
                foreach (var chunk in customers.Chunk(200))
                    await ledger.ApplyAsync(chunk.Select(c => (LedgerCommand)new StartPeriod
                    {
                        CustomerId = c, IdempotencyKey = $"{c}-start", PlanId = "pro",
                        PeriodStart = DateTimeOffset.UtcNow.AddDays(-1), PeriodEnd = DateTimeOffset.UtcNow.AddDays(29),
                    }).ToList(), cancellationToken);
                await ledger.GrantAsync(new GrantCredits { CustomerId = customers[0], IdempotencyKey = "bench-0-promo", Credits = 1_000_000, Source = GrantSource.Promotion }, cancellationToken);
            }

            await Run("warm-up", 2_000, 1, c => customers[c % customers.Length], writers);
            var single = await Run("single", Math.Min(events, 10_000), 1, i => customers[i % customers.Length], writers);
            context.Report("single-event transactions, many customers", single, "events/s", $"{writers} writers, one debit per transaction");
            var hotSingle = await Run("hot-single", Math.Min(events, 5_000), 1, _ => customers[0], writers);
            context.Report("single-event transactions, one hot customer", hotSingle, "events/s", $"{writers} writers serialized on one account lock");
            var batched = await Run("batched", events, batchSize, i => customers[i % customers.Length], writers);
            context.Report("batched, many customers", batched, "events/s", $"{writers} writers, {batchSize} events per transaction over {customerCount} customers");
            var hotBatched = await Run("hot-batched", events, batchSize, _ => customers[0], writers);
            context.Report("batched, one hot customer", hotBatched, "events/s", $"{writers} writers, {batchSize} events per transaction");
            context.Report("peak RSS", BenchmarkContext.PeakRssMb(), "MB");

            async Task<double> Run(string label, int count, int perTransaction, Func<int, string> customerOf, int writerCount)
            {
                var next = -1;
                var clock = Stopwatch.StartNew();
                await Task.WhenAll(Enumerable.Range(0, writerCount).Select(_ => Task.Run(async () =>
                {
                    await using var db = new LedgerBenchmarkDbContext(options);
                    var ledger = new CreditLedger(db, Plans, TimeProvider.System);
                    while (true)
                    {
                        var first = Interlocked.Add(ref next, perTransaction) - perTransaction + 1;
                        if (first >= count) return;
                        var batch = Enumerable.Range(first, Math.Min(perTransaction, count - first))
                            .Select(i => new DebitCredits { CustomerId = customerOf(i), IdempotencyKey = $"{label}-{i}", Credits = 1 })
                            .ToList();
                        var results = await ledger.DebitBatchAsync(batch, cancellationToken);
                        if (results.Any(r => !r.Succeeded)) throw new InvalidOperationException(results.First(r => !r.Succeeded).Reason);
                    }
                }, cancellationToken)));
                var rate = count / clock.Elapsed.TotalSeconds;
                Console.WriteLine($"  {label}: {count:N0} events in {clock.Elapsed.TotalSeconds:N1} s = {rate:N0}/s");
                return rate;
            }
        }
        finally
        {
            await database.DisposeAsync();
        }
    }
}
