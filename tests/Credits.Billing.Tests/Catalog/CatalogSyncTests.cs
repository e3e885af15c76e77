using Credits.Billing.Catalog;
using Credits.Billing.Tests.Support;
using Credits.StripeEmulator.Http;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Credits.Billing.Tests.Catalog;

public sealed class CatalogFixture : BillingServices
{
    public const string WebhookUrl = "https://credits.example/webhooks/stripe";

    protected override void Configure(Dictionary<string, string?> settings) => settings["Catalog:WebhookUrl"] = WebhookUrl;
}

public sealed class CatalogSyncTests(CatalogFixture billing) : IClassFixture<CatalogFixture>
{
    static readonly string[] LookupKeys = ["credits:hobby:flat", "credits:pro:flat", "credits:pro:overage", "credits:pack:small"];

    CatalogSync Sync(BillingCatalog? catalog = null) =>
        catalog is null ? billing.Services.GetRequiredService<CatalogSync>() : ActivatorUtilities.CreateInstance<CatalogSync>(billing.Services, catalog);

    [Fact]
    public async Task A_second_run_changes_nothing()
    {
        var first = await Sync().RunAsync();
        var second = await Sync().RunAsync();

        Assert.True(first.Succeeded, string.Join("; ", first.Failures));
        Assert.False(second.Changed, $"second run: created {string.Join(", ", second.Created)}; updated {string.Join(", ", second.Updated)}");
        Assert.Empty(second.Drift);
        Assert.Equal(first.MeterId, second.MeterId);
        Assert.Null(second.NewWebhookSecret);
        foreach (var key in LookupKeys) Assert.Contains($"price {key}", second.Unchanged);
        await AssertOnePricePerLookupKeyAsync();
        var endpoints = await billing.Stripe.V1.WebhookEndpoints.ListAsync(new() { Limit = 100 });
        Assert.Single(endpoints.Data, e => e.Url == CatalogFixture.WebhookUrl);
    }

    [Fact]
    public async Task The_first_run_creates_the_meter_products_prices_and_webhook_endpoint_as_configured()
    {
        await Sync().RunAsync();

        var prices = (await billing.Stripe.V1.Prices.ListAsync(new() { LookupKeys = [.. LookupKeys], Limit = 10 })).Data.ToDictionary(p => p.LookupKey);
        Assert.Equal(2000, prices["credits:pro:flat"].UnitAmount);
        Assert.Equal("licensed", prices["credits:pro:flat"].Recurring.UsageType);
        Assert.Equal(0.5m, prices["credits:pro:overage"].UnitAmountDecimal);
        Assert.Equal("metered", prices["credits:pro:overage"].Recurring.UsageType);
        Assert.NotNull(prices["credits:pro:overage"].Recurring.Meter);
        Assert.Equal(0, prices["credits:hobby:flat"].UnitAmount);
        Assert.Null(prices["credits:pack:small"].Recurring);
        Assert.Equal(500, prices["credits:pack:small"].UnitAmount);
    }

    [Fact]
    public async Task A_price_whose_amount_changed_in_configuration_is_reported_as_drift_and_left_alone()
    {
        await Sync().RunAsync();
        var catalog = TestCatalog(proFlat: 2500, proVersion: 1);

        var report = await Sync(catalog).RunAsync();

        var drift = Assert.Single(report.Drift);
        Assert.Equal(("credits:pro:flat", "unit_amount", "2500", "2000"), (drift.LookupKey, drift.Field, drift.Configured, drift.InStripe));
        Assert.False(report.Changed);
        var price = (await billing.Stripe.V1.Prices.ListAsync(new() { LookupKeys = ["credits:pro:flat"] })).Data.Single();
        Assert.Equal(2000, price.UnitAmount);
        await AssertOnePricePerLookupKeyAsync();
    }

    [Fact]
    public async Task A_new_price_version_creates_new_prices_beside_the_old_ones()
    {
        await Sync().RunAsync();

        var report = await Sync(TestCatalog(proFlat: 2500, proVersion: 2)).RunAsync();

        Assert.Contains("price credits:pro:flat:v2", report.Created);
        Assert.Contains("price credits:pro:overage:v2", report.Created);
        Assert.Empty(report.Drift);
        var prices = (await billing.Stripe.V1.Prices.ListAsync(new() { LookupKeys = ["credits:pro:flat", "credits:pro:flat:v2"] })).Data;
        Assert.Equal([2000L, 2500L], prices.Select(p => p.UnitAmount!.Value).Order());
        Assert.False((await Sync(TestCatalog(proFlat: 2500, proVersion: 2)).RunAsync()).Changed);
    }

    [Fact]
    public async Task A_create_whose_answer_was_lost_is_not_made_twice()
    {
        // Stripe creates the price and the answer is lost; Stripe.net retries with the same idempotency key.
        billing.Faults.Add(new FaultRule { Method = "POST", Path = "/v1/prices", Status = 500, AfterExecution = true, Times = 2 });
        try
        {
            var report = await Sync(TestCatalog(proFlat: 3000, proVersion: 3)).RunAsync();
            Assert.True(report.Succeeded, string.Join("; ", report.Failures));
        }
        finally
        {
            billing.Faults.Clear();
        }
        Assert.Single((await billing.Stripe.V1.Prices.ListAsync(new() { LookupKeys = ["credits:pro:flat:v3"] })).Data);
        Assert.Single((await billing.Stripe.V1.Prices.ListAsync(new() { LookupKeys = ["credits:pro:overage:v3"] })).Data);
    }

    [Fact]
    public async Task The_sync_catalog_command_exits_0_when_Stripe_matches_the_configuration()
    {
        var output = new StringWriter();

        var exitCode = await CatalogSyncCommand.RunAsync(billing.Services, output);
        exitCode = await CatalogSyncCommand.RunAsync(billing.Services, output);

        Assert.Equal(0, exitCode);
        Assert.Contains("catalog sync: created 0, updated 0", output.ToString());
    }

    async Task AssertOnePricePerLookupKeyAsync()
    {
        var all = new List<Stripe.Price>();
        await foreach (var p in billing.Stripe.V1.Prices.ListAutoPagingAsync(new() { Limit = 100 })) all.Add(p);
        Assert.All(all.Where(p => p.LookupKey is not null).GroupBy(p => p.LookupKey), g => Assert.Single(g));
        Assert.Equal(all.Count(p => p.Metadata.ContainsKey("credits_lookup_key")), all.Select(p => p.Metadata.GetValueOrDefault("credits_lookup_key")).Where(k => k is not null).Distinct().Count());
    }

    static BillingCatalog TestCatalog(long proFlat, int proVersion) => new(
        [
            new PlanPrice { Id = "hobby", DisplayName = "Hobby", FlatMonthlyAmount = 0, Currency = "usd" },
            new PlanPrice { Id = "pro", DisplayName = "Pro", FlatMonthlyAmount = proFlat, Currency = "usd", OverageAllowed = true, OverageUnitAmount = 0.5m, PriceVersion = proVersion },
        ],
        [new CreditPack { Id = "small", Credits = 500, Amount = 500, Currency = "usd" }]);
}
