using System.Diagnostics;
using Credits.Billing;
using Credits.Billing.Audit;
using Credits.Billing.Catalog;
using Credits.Billing.Customers;
using Credits.Billing.Metering;
using Credits.Ledger;
using Credits.Ledger.Commands;
using Credits.Ledger.Model;
using Credits.Persistence;
using Credits.StripeEmulator.Hosting;
using Credits.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Stripe;

namespace Credits.Benchmarks;

/// <summary>
/// The money audit over many customers with clean books: every customer on Pro with a Stripe subscription (flat +
/// metered item, first invoice paid), the period's allowance, a month's volume of usage (30 debits each; one customer
/// in five past the allowance, so in overage and metered to Stripe), and one in ten with a paid purchase and its grant.
/// The audit (every registered check, the real Stripe.net calls against the in-process emulator, the real PostgreSQL)
/// runs on a tenth of the customers first (after one untimed warm-up run: the baseline of the same run), then on all of them, then once more with
/// nothing new. A clean run must find no difference: the scenario fails if it does.
/// </summary>
public sealed class AuditScaleScenario : IBenchmarkScenario
{
    public string Name => "audit";
    public string Description => "money audit time over N customers with a month of usage (options: --customers 10000 --concurrency 8)";

    const string EmulatorTestCard = "pm_card_visa";

    public async Task RunAsync(BenchmarkContext context, CancellationToken cancellationToken)
    {
        var customerCount = context.Int("customers", 10_000);
        var concurrency = context.Int("concurrency", 8);
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
                ["Plans:pro:IncludedCredits"] = "1000",
                ["Plans:pro:OverageAllowed"] = "true",
                ["Plans:pro:FlatMonthlyAmount"] = "2000",
                ["Plans:pro:OverageUnitAmount"] = "0.5",
                ["CreditPacks:small:Credits"] = "500",
                ["CreditPacks:small:Amount"] = "500",
                ["Audit:SettleTime"] = "00:00:00",
                ["Audit:Interval"] = "00:00:00",
            }).Build();
            var services = new ServiceCollection();
            services.AddLogging(l => l.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning));
            services.AddDbContext<CreditsDbContext>(o => o.UseNpgsql(database.ConnectionString));
            services.AddCreditLedger<CreditsDbContext>(configuration);
            services.AddStripeBilling(configuration);
            services.AddOverageMetering<CreditsDbContext>(configuration, runInBackground: false);
            services.AddMoneyAudit<CreditsDbContext>(configuration, runInBackground: false);
            await using var provider = services.BuildServiceProvider();
            await using (var scope = provider.CreateAsyncScope())
                await scope.ServiceProvider.GetRequiredService<CreditsDbContext>().Database.MigrateAsync(cancellationToken);
            var sync = await provider.GetRequiredService<CatalogSync>().RunAsync(cancellationToken);
            if (!sync.Succeeded) throw new InvalidOperationException($"catalog sync failed: {sync}");
            var stripeClient = provider.GetRequiredService<StripeClient>();
            var lookupKeys = new Dictionary<string, string>();
            await foreach (var price in stripeClient.V1.Prices.ListAutoPagingAsync(new() { Limit = 100 }, cancellationToken: cancellationToken))
                if (price.LookupKey is not null) lookupKeys[price.LookupKey] = price.Id;
            provider.GetRequiredService<PriceDirectory>().Resolve(lookupKeys);
            var seed = new AuditSeed(provider, stripeClient, provider.GetRequiredService<PriceDirectory>(),
                provider.GetRequiredService<BillingCatalog>());

            var baselineCount = Math.Max(1, customerCount / 10);
            await seed.AddCustomersAsync(0, baselineCount, concurrency, cancellationToken);
            await AuditAsync(provider, cancellationToken); // warm-up: JIT and connection pools, not counted
            var baseline = await AuditAsync(provider, cancellationToken);
            var clock = Stopwatch.StartNew();
            await seed.AddCustomersAsync(baselineCount, customerCount, concurrency, cancellationToken);
            var seedSeconds = clock.Elapsed.TotalSeconds;
            var full = await AuditAsync(provider, cancellationToken);
            var again = await AuditAsync(provider, cancellationToken);

            var entries = await database.ScalarAsync<long>("SELECT count(*) FROM ledger_entries");
            context.Report("seeded", customerCount, "customers", $"{entries:N0} ledger entries, {seed.Purchases:N0} purchases, {seed.InOverage:N0} customers in overage; seeding the last {customerCount - baselineCount:N0} took {seedSeconds:N0} s");
            context.Report($"audit, {baselineCount:N0} customers (baseline)", baseline.Seconds, "s", Describe(baseline, baselineCount));
            context.Report($"audit, {customerCount:N0} customers", full.Seconds, "s", Describe(full, customerCount));
            context.Report($"audit again, {customerCount:N0} customers, nothing new", again.Seconds, "s", Describe(again, customerCount));
            context.Report("scaling (full / baseline per customer)", full.Seconds / customerCount / (baseline.Seconds / baselineCount), "x", "1.0 = linear in customers");
            if (full.Run.Found + again.Run.Found + baseline.Run.Found > 0 || full.Run.Error is not null)
                context.Fail($"a clean audit found differences or failed: baseline {baseline.Run.Found}, full {full.Run.Found} ({full.Run.Error}), again {again.Run.Found}");
        }
        finally
        {
            await database.DisposeAsync();
        }
    }

    static string Describe((double Seconds, AuditRun Run, long StripeCalls) audit, int customers) =>
        $"{audit.Run.Status}, {audit.Run.Found} differences, {audit.Seconds * 1000 / customers:N2} ms and {(double)audit.StripeCalls / customers:N2} Stripe calls per customer ({audit.StripeCalls:N0} calls)";

    static async Task<(double Seconds, AuditRun Run, long StripeCalls)> AuditAsync(IServiceProvider provider, CancellationToken ct)
    {
        await using var scope = provider.CreateAsyncScope();
        var audit = scope.ServiceProvider.GetRequiredService<MoneyAudit>();
        using var calls = new HttpRequestCounter();
        var clock = Stopwatch.StartNew();
        var run = await audit.RunAsync("benchmark", ct: ct);
        return (clock.Elapsed.TotalSeconds, run, calls.Count);
    }

    /// <summary>Builds clean books the way Credits' own steps would leave them, but directly (no sagas), so seeding is fast.</summary>
    sealed class AuditSeed(IServiceProvider provider, StripeClient stripe, PriceDirectory prices, BillingCatalog catalog)
    {
        int _purchases, _inOverage;
        public int Purchases => _purchases;
        public int InOverage => _inOverage;

        public async Task AddCustomersAsync(int from, int to, int concurrency, CancellationToken ct)
        {
            await Parallel.ForEachAsync(Enumerable.Range(from, to - from), new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = ct },
                async (i, token) => await AddCustomerAsync(i, token));
            await using var scope = provider.CreateAsyncScope();
            // Every overage report sent and accepted, as the metering loop would have by now.
            await scope.ServiceProvider.GetRequiredService<OverageMeter>().FlushAsync(ct);
        }

        async Task AddCustomerAsync(int i, CancellationToken ct)
        {
            var id = $"audit-{i:D6}";
            var plan = catalog.Plan("pro")!;
            var customer = await stripe.V1.Customers.CreateAsync(new() { Name = id, Metadata = new() { ["customer_id"] = id } }, cancellationToken: ct);
            var card = await stripe.V1.PaymentMethods.AttachAsync(EmulatorTestCard, new() { Customer = customer.Id }, cancellationToken: ct);
            await stripe.V1.Customers.UpdateAsync(customer.Id, new() { InvoiceSettings = new() { DefaultPaymentMethod = card.Id } }, cancellationToken: ct);
            var subscription = await stripe.V1.Subscriptions.CreateAsync(new()
            {
                Customer = customer.Id, Metadata = new() { ["customer_id"] = id },
                Items = [new() { Price = prices.PriceId(plan.FlatLookupKey) }, new() { Price = prices.PriceId(plan.OverageLookupKey) }],
            }, cancellationToken: ct);
            var item = subscription.Items.Data[0];
            DateTimeOffset periodStart = new(item.CurrentPeriodStart, TimeSpan.Zero), periodEnd = new(item.CurrentPeriodEnd, TimeSpan.Zero);

            await using var scope = provider.CreateAsyncScope();
            var ledger = scope.ServiceProvider.GetRequiredService<CreditLedger>();
            await scope.ServiceProvider.GetRequiredService<StripeCustomerLinks>().LinkAsync(id, customer.Id, subscription.Id, ct);
            await SeedRows.LifecycleAsync(scope.ServiceProvider.GetRequiredService<CreditsDbContext>(), id, customer.Id, subscription.Id, plan.Id,
                periodStart, periodEnd, ct);
            await ledger.StartPeriodAsync(new StartPeriod
            {
                CustomerId = id, IdempotencyKey = SeedRows.AllowanceKey(id, periodStart), PlanId = plan.Id, PeriodStart = periodStart,
                PeriodEnd = periodEnd, Allowance = 1000,
            }, ct);

            // A month's volume: 30 debits; every fifth customer spends past the allowance into overage.
            var overage = i % 5 == 0;
            if (overage) Interlocked.Increment(ref _inOverage);
            await ledger.DebitBatchAsync(Enumerable.Range(0, 30).Select(d => new DebitCredits
            {
                CustomerId = id, IdempotencyKey = $"{id}-usage-{d}", Credits = overage ? 40 : 20,
            }).ToList(), ct);

            if (i % 10 == 3) await PurchaseAsync(scope.ServiceProvider, ledger, id, customer.Id, card.Id, ct);
        }

        /// <summary>A paid purchase of the small pack with its one grant, as the top-up saga leaves it.</summary>
        async Task PurchaseAsync(IServiceProvider scoped, CreditLedger ledger, string id, string stripeCustomerId, string cardId, CancellationToken ct)
        {
            var pack = catalog.Pack("small")!;
            var purchaseId = Guid.NewGuid();
            var intent = await stripe.V1.PaymentIntents.CreateAsync(new()
            {
                Amount = pack.Amount, Currency = pack.Currency, Customer = stripeCustomerId, PaymentMethod = cardId, OffSession = true, Confirm = true,
                Metadata = SeedRows.PurchaseMetadata(purchaseId, id),
            }, cancellationToken: ct);
            await SeedRows.TopUpAsync(scoped.GetRequiredService<CreditsDbContext>(), purchaseId, id, stripeCustomerId, pack.Credits, pack.Amount,
                pack.Currency, intent.Id, ct);
            await ledger.GrantAsync(new GrantCredits
            {
                CustomerId = id, IdempotencyKey = SeedRows.PurchaseGrantKey(purchaseId), Credits = pack.Credits, Source = GrantSource.Purchase,
                Note = $"purchase {purchaseId}",
            }, ct);
            Interlocked.Increment(ref _purchases);
        }
    }
}
