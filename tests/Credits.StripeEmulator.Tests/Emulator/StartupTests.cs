using System.Net;
using Credits.StripeEmulator.Hosting;
using Credits.StripeEmulator.Http;
using Microsoft.Extensions.Options;

namespace Credits.StripeEmulator.Tests.Emulator;

public sealed class StartupTests
{
    [Theory]
    [InlineData("sk_live_real", "whsec_x")]
    [InlineData("sk_test_ok", "not-a-secret")]
    public async Task Invalid_options_stop_the_emulator_at_start_up(string apiKey, string webhookSecret)
    {
        await Assert.ThrowsAsync<OptionsValidationException>(() => StripeEmulatorApp.StartAsync(o =>
        {
            o.ApiKey = apiKey;
            o.WebhookSecret = webhookSecret;
        }));
    }

    [Fact]
    public async Task Health_endpoints_answer_without_an_api_key_and_the_api_requires_one()
    {
        await using var emulator = await StripeEmulatorApp.StartAsync(o => o.ApiKey = "sk_test_custom");
        using var http = new HttpClient { BaseAddress = emulator.BaseUrl };

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/ready")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/v1/customers")).StatusCode);
        Assert.NotEmpty((await emulator.CreateClient().V1.Customers.ListAsync()).StripeResponse.RequestId);
    }

    [Fact]
    public async Task Reset_empties_the_account_and_clears_faults()
    {
        await using var emulator = await StripeEmulatorApp.StartAsync();
        var stripe = emulator.CreateClient(maxNetworkRetries: 0);
        await stripe.V1.Customers.CreateAsync(new Stripe.CustomerCreateOptions { Email = "before@example.com" });
        await emulator.Control.AddFaultAsync(new { method = "GET", path = "/v1/products", status = 500 });

        await emulator.Control.ResetAsync();

        Assert.Empty((await stripe.V1.Customers.ListAsync()).Data);
        Assert.Empty((await stripe.V1.Products.ListAsync()).Data);
    }

    [Fact]
    public async Task With_a_state_file_customers_subscriptions_and_usage_survive_a_restart()
    {
        var file = Path.Combine(Path.GetTempPath(), $"stripe-emulator-{Guid.NewGuid():n}.json");
        try
        {
            string customer, subscription, meter;
            await using (var first = await StripeEmulatorApp.StartAsync(o => { o.StateFile = file; o.AggregationDelay = TimeSpan.Zero; }))
            {
                var stripe = first.CreateClient();
                customer = (await stripe.V1.Customers.CreateAsync(new Stripe.CustomerCreateOptions
                {
                    PaymentMethod = "pm_card_visa", InvoiceSettings = new() { DefaultPaymentMethod = "pm_card_visa" },
                })).Id;
                var product = await stripe.V1.Products.CreateAsync(new Stripe.ProductCreateOptions { Name = "Pro" });
                var price = await stripe.V1.Prices.CreateAsync(new Stripe.PriceCreateOptions
                {
                    Product = product.Id, Currency = "usd", UnitAmount = 100, Recurring = new() { Interval = "month" },
                });
                subscription = (await stripe.V1.Subscriptions.CreateAsync(new Stripe.SubscriptionCreateOptions { Customer = customer, Items = [new() { Price = price.Id }] })).Id;
                var created = await stripe.V1.Billing.Meters.CreateAsync(new Stripe.Billing.MeterCreateOptions
                {
                    DisplayName = "Overage", EventName = "overage", DefaultAggregation = new() { Formula = "sum" },
                });
                meter = created.Id;
                await stripe.V1.Billing.MeterEvents.CreateAsync(new Stripe.Billing.MeterEventCreateOptions
                {
                    EventName = "overage", Identifier = "once", Payload = new Dictionary<string, string> { ["stripe_customer_id"] = customer, ["value"] = "9" },
                });
            }

            await using var second = await StripeEmulatorApp.StartAsync(o => { o.StateFile = file; o.AggregationDelay = TimeSpan.Zero; });
            var again = second.CreateClient();

            Assert.Equal("active", (await again.V1.Subscriptions.GetAsync(subscription)).Status);
            Assert.NotNull((await again.V1.Customers.GetAsync(customer)).InvoiceSettings.DefaultPaymentMethodId);
            var summaries = await again.V1.Billing.Meters.EventSummaries.ListAsync(meter, new Stripe.Billing.MeterEventSummaryListOptions
            {
                Customer = customer, StartTime = DateTime.UtcNow.Date, EndTime = DateTime.UtcNow.Date.AddDays(1),
            });
            Assert.Equal(9, Assert.Single(summaries.Data).AggregatedValue);
            await Assert.ThrowsAsync<Stripe.StripeException>(() => again.V1.Billing.MeterEvents.CreateAsync(new Stripe.Billing.MeterEventCreateOptions
            {
                EventName = "overage", Identifier = "once", Payload = new Dictionary<string, string> { ["stripe_customer_id"] = customer, ["value"] = "9" },
            }));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Bracket_notation_unfolds_into_objects_and_arrays()
    {
        var parsed = new StripeParams(FormBody.Parse(new Dictionary<string, string>
        {
            ["items[0][price]"] = "price_a",
            ["items[1][id]"] = "si_b",
            ["items[1][deleted]"] = "true",
            ["metadata[plan]"] = "pro",
            ["expand[]"] = "latest_invoice",
            ["expand[1]"] = "customer",
        }));

        Assert.Equal("price_a", parsed.String("items.0.price"));
        Assert.True(parsed.Bool("items.1.deleted"));
        Assert.Equal(2, parsed.Objects("items").Count);
        Assert.Equal("pro", parsed.String("metadata.plan"));
        Assert.Equal(["latest_invoice", "customer"], parsed.Strings("expand"));
    }
}
