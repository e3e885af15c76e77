using System.Diagnostics;
using Credits.Billing;
using Credits.Billing.Catalog;
using Credits.Billing.Customers;
using Credits.Billing.Metering;
using Credits.Ledger;
using Credits.Ledger.Commands;
using Credits.StripeEmulator.Hosting;
using Credits.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Credits.Benchmarks;

/// <summary>
/// Usage at a steady rate (default 5,000 events/s) over many Pro customers, all in overage, while the
/// metering service flushes to an in-process Stripe emulator: how many meter calls Stripe receives per
/// customer per flush interval (target: at most one), and whether Stripe's totals equal the ledger's.
/// </summary>
public sealed class MeteringRatioScenario : IBenchmarkScenario
{
    public string Name => "metering";
    public string Description => "meter calls per customer per flush at a steady usage rate (options: --rate 5000 --seconds 20 --customers 200 --flush-ms 2000 --transport Stream|V1)";

    public async Task RunAsync(BenchmarkContext context, CancellationToken cancellationToken)
    {
        var rate = context.Int("rate", 5000);
        var seconds = context.Int("seconds", 20);
        var customerCount = context.Int("customers", 200);
        var flushMs = context.Int("flush-ms", 2000);
        var transport = context.String("transport", "Stream");
        var database = new PostgresDatabase();
        await database.InitializeAsync();
        await using var emulator = await StripeEmulatorApp.StartAsync(o => o.AggregationDelay = TimeSpan.Zero, cancellationToken);
        try
        {
            var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Stripe:SecretKey"] = emulator.Options.ApiKey,
                ["Stripe:ApiBase"] = emulator.BaseUrl.ToString(),
                ["Stripe:MeterEventsBase"] = emulator.BaseUrl.ToString(),
                ["Stripe:WebhookSecret"] = "whsec_benchmark",
                ["Plans:pro:DisplayName"] = "Pro",
                ["Plans:pro:IncludedCredits"] = "10",
                ["Plans:pro:OverageAllowed"] = "true",
                ["Plans:pro:FlatMonthlyAmount"] = "2000",
                ["Plans:pro:OverageUnitAmount"] = "0.5",
                ["Metering:FlushInterval"] = TimeSpan.FromMilliseconds(flushMs).ToString(),
                ["Metering:Transport"] = transport,
            }).Build();
            var services = new ServiceCollection();
            services.AddLogging(l => l.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning));
            services.AddDbContext<MeteringBenchmarkDbContext>(o => o.UseNpgsql(database.ConnectionString));
            services.AddCreditLedger<MeteringBenchmarkDbContext>(configuration);
            services.AddStripeBilling(configuration);
            services.AddOverageMetering<MeteringBenchmarkDbContext>(configuration);
            await using var provider = services.BuildServiceProvider();
            var customers = await PrepareAsync(provider, customerCount, cancellationToken);
            var statistics = provider.GetRequiredService<MeteringStatistics>();
            var meterId = (await provider.GetRequiredService<CatalogSync>().RunAsync(cancellationToken)).MeterId!;

            var metering = ActivatorUtilities.CreateInstance<OverageMeteringService>(provider);
            await metering.StartAsync(cancellationToken);
            var clock = Stopwatch.StartNew();
            var produced = await ProduceAsync(provider, customers, rate, TimeSpan.FromSeconds(seconds), cancellationToken);
            var elapsed = clock.Elapsed.TotalSeconds;
            var (flushes, calls, events) = (statistics.Flushes, statistics.MeterCalls, statistics.EventsAccepted);
            await metering.StopAsync(cancellationToken);
            for (var i = 0; i < 3; i++)
            {
                await using var scope = provider.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<OverageMeter>().FlushAsync(cancellationToken);
            }

            var ledgerTotal = await database.ScalarAsync<long>("SELECT coalesce(sum(quantity), 0) FROM ledger_entries WHERE kind = 'Overage'");
            decimal stripeTotal = 0;
            var stripe = provider.GetRequiredService<Stripe.StripeClient>();
            foreach (var (_, stripeCustomer) in customers)
                await foreach (var s in stripe.V1.Billing.Meters.EventSummaries.ListAutoPagingAsync(meterId, new()
                               {
                                   Customer = stripeCustomer, StartTime = DateTime.UtcNow.Date.AddDays(-2), EndTime = DateTime.UtcNow.Date.AddDays(2),
                               }, cancellationToken: cancellationToken))
                    stripeTotal += (decimal)s.AggregatedValue;

            context.Report("usage events produced", produced / elapsed, "events/s", $"{produced:N0} debits over {customerCount} customers in {elapsed:N1} s, batches of 250 per writer-owned customer share");
            context.Report("flushes during the run", flushes, "flushes", $"interval {flushMs} ms, transport {transport}");
            context.Report("meter calls during the run", calls, "calls", $"{events:N0} meter events (one per customer with new overage per flush)");
            context.Report("meter calls per customer per flush", flushes == 0 ? double.NaN : (double)calls / (customerCount * flushes), "calls", "target at most 1");
            context.Report("meter calls per usage event", (double)calls / produced, "calls");
            context.Report("Stripe meter total minus ledger overage", (double)(stripeTotal - ledgerTotal), "credits", $"ledger {ledgerTotal:N0}, Stripe {stripeTotal:N0}: must be 0");
        }
        finally
        {
            await database.DisposeAsync();
        }
    }

    static async Task<List<(string Id, string StripeId)>> PrepareAsync(IServiceProvider provider, int count, CancellationToken ct)
    {
        await using (var scope = provider.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<MeteringBenchmarkDbContext>().Database.EnsureCreatedAsync(ct);
        var stripe = provider.GetRequiredService<Stripe.StripeClient>();
        var customers = new List<(string, string)>();
        for (var i = 0; i < count; i++)
        {
            var id = $"bench-{i}";
            var created = await stripe.V1.Customers.CreateAsync(new() { Name = id }, cancellationToken: ct);
            await using var scope = provider.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<CreditLedger>().StartPeriodAsync(new StartPeriod
            {
                CustomerId = id, IdempotencyKey = $"{id}-start", PlanId = "pro",
                PeriodStart = DateTimeOffset.UtcNow.AddDays(-1), PeriodEnd = DateTimeOffset.UtcNow.AddDays(29),
            }, ct);
            await scope.ServiceProvider.GetRequiredService<StripeCustomerLinks>().LinkAsync(id, created.Id, ct: ct);
            customers.Add((id, created.Id));
        }
        return customers;
    }

    /// <summary>Debits in batches from four writers, each on its own share of the customers (as partitioned consumers would be), paced to the target rate.</summary>
    static async Task<long> ProduceAsync(IServiceProvider provider, List<(string Id, string StripeId)> customers, int rate, TimeSpan duration,
        CancellationToken ct)
    {
        const int batch = 250;
        const int writers = 4;
        long produced = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            var sent = 0L;
            while (clock.Elapsed < duration)
            {
                // Stay on schedule: this writer's share of the rate since the start.
                var due = clock.Elapsed.TotalSeconds * rate / writers;
                if (sent >= due)
                {
                    await Task.Delay(5, ct);
                    continue;
                }
                await using var scope = provider.CreateAsyncScope();
                var debits = Enumerable.Range(0, batch).Select(i => new DebitCredits
                {
                    CustomerId = customers[(Random.Shared.Next(customers.Count / writers) * writers + w) % customers.Count].Id,
                    IdempotencyKey = $"w{w}-{sent + i}", Credits = 1,
                }).ToList();
                await scope.ServiceProvider.GetRequiredService<CreditLedger>().DebitBatchAsync(debits, ct);
                sent += batch;
                Interlocked.Add(ref produced, batch);
            }
        }, ct)));
        return produced;
    }
}
