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
