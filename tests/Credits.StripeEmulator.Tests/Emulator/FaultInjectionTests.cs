using Credits.StripeEmulator.Control;
using System.Diagnostics;
using Credits.StripeEmulator.Hosting;
using Credits.StripeEmulator.Tests.Support;
using Stripe;

namespace Credits.StripeEmulator.Tests.Emulator;

/// <summary>Faults injected over /_emulator/faults, seen through Stripe.net's own retry and error handling.</summary>
public sealed class FaultInjectionTests(EmulatorTarget target) : IClassFixture<EmulatorTarget>, IAsyncLifetime
{
    private readonly RunningEmulator _emulator = target.Emulator;
    private readonly EmulatorControlClient _control = target.Emulator.Control;

    public Task InitializeAsync() => _control.ClearFaultsAsync();

    public Task DisposeAsync() => _control.ClearFaultsAsync();

    private async Task<int> CustomersWithEmailAsync(string email) =>
        (await _emulator.CreateClient().V1.Customers.ListAsync(new CustomerListOptions { Email = email, Limit = 100 })).Data.Count;

    [Fact]
    public async Task A_500_is_retried_by_Stripe_net_and_the_customer_is_created_once()
    {
        await _control.AddFaultAsync(new { method = "POST", path = "/v1/customers", status = 500, times = 1 });
        var email = $"{Guid.NewGuid():n}@example.com";

        var customer = await _emulator.CreateClient(maxNetworkRetries: 2).V1.Customers.CreateAsync(new CustomerCreateOptions { Email = email });

        Assert.StartsWith("cus_", customer.Id);
        Assert.Equal(1, await CustomersWithEmailAsync(email));
    }

    [Fact]
    public async Task A_500_after_the_write_is_retried_with_the_same_key_and_replays_the_one_customer_created()
    {
        await _control.AddFaultAsync(new { method = "POST", path = "/v1/customers", status = 500, times = 2, afterExecution = true });
        var email = $"{Guid.NewGuid():n}@example.com";

        var customer = await _emulator.CreateClient(maxNetworkRetries: 2).V1.Customers.CreateAsync(new CustomerCreateOptions { Email = email });

        Assert.Equal(email, customer.Email);
        Assert.Equal(1, await CustomersWithEmailAsync(email));
    }

    [Fact]
    public async Task Without_retries_a_500_after_the_write_leaves_the_object_created()
    {
        await _control.AddFaultAsync(new { method = "POST", path = "/v1/customers", status = 500, times = 1, afterExecution = true });
        var email = $"{Guid.NewGuid():n}@example.com";

        var error = await Assert.ThrowsAsync<StripeException>(() =>
            _emulator.CreateClient(maxNetworkRetries: 0).V1.Customers.CreateAsync(new CustomerCreateOptions { Email = email }));

        Assert.Equal(System.Net.HttpStatusCode.InternalServerError, error.HttpStatusCode);
        Assert.Equal(1, await CustomersWithEmailAsync(email));
    }

    [Fact]
    public async Task A_429_is_not_retried_and_is_not_saved_under_the_idempotency_key()
    {
        await _control.AddFaultAsync(new { method = "POST", path = "/v1/customers", status = 429, times = 1 });
        var client = _emulator.CreateClient(maxNetworkRetries: 2);
        var key = new RequestOptions { IdempotencyKey = Guid.NewGuid().ToString() };
        var options = new CustomerCreateOptions { Email = $"{Guid.NewGuid():n}@example.com" };

        var limited = await Assert.ThrowsAsync<StripeException>(() => client.V1.Customers.CreateAsync(options, key));
        var retried = await client.V1.Customers.CreateAsync(options, key);

        Assert.Equal((System.Net.HttpStatusCode)429, limited.HttpStatusCode);
        Assert.Equal("rate_limit", limited.StripeError.Code);
        Assert.Equal(options.Email, retried.Email);
    }

    [Fact]
    public async Task A_card_error_fault_answers_402_card_declined()
    {
        await _control.AddFaultAsync(new { method = "POST", path = "/v1/payment_intents", status = 402, code = "card_declined" });

        var error = await Assert.ThrowsAsync<StripeException>(() => _emulator.CreateClient().V1.PaymentIntents.CreateAsync(
            new PaymentIntentCreateOptions { Amount = 1000, Currency = "usd", PaymentMethod = "pm_card_visa", Confirm = true }));

        Assert.Equal(System.Net.HttpStatusCode.PaymentRequired, error.HttpStatusCode);
        Assert.Equal("card_error", error.StripeError.Type);
        Assert.Equal("card_declined", error.StripeError.Code);
    }

    [Fact]
    public async Task Latency_is_added_and_a_hang_lasts_until_the_client_gives_up()
    {
        await _control.AddFaultAsync(new { method = "GET", path = "/v1/products*", latencyMs = 400, status = 200 });
        await _control.AddFaultAsync(new { method = "GET", path = "/v1/customers/*", hang = true });
        var client = _emulator.CreateClient();
        var impatient = new StripeClient(new StripeClientOptions
        {
            ApiKey = _emulator.Options.ApiKey, ApiBase = _emulator.BaseUrl.ToString().TrimEnd('/'),
            HttpClient = new SystemNetHttpClient(new HttpClient { Timeout = TimeSpan.FromSeconds(1) }, maxNetworkRetries: 0),
        });

        var slow = Stopwatch.StartNew();
        await client.V1.Products.ListAsync();
        slow.Stop();
        var hung = Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<Exception>(() => impatient.V1.Customers.GetAsync("cus_any"));
        hung.Stop();

        Assert.True(slow.Elapsed >= TimeSpan.FromMilliseconds(400), $"latency {slow.Elapsed}");
        Assert.InRange(hung.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task An_error_rate_fails_some_requests_and_not_others()
    {
        await _control.AddFaultAsync(new { method = "GET", path = "/v1/prices", status = 503, rate = 0.5 });
        var client = _emulator.CreateClient(maxNetworkRetries: 0);

        var outcomes = new List<bool>();
        for (var i = 0; i < 40; i++)
        {
            try { await client.V1.Prices.ListAsync(); outcomes.Add(true); }
            catch (StripeException e) when (e.HttpStatusCode == System.Net.HttpStatusCode.ServiceUnavailable) { outcomes.Add(false); }
        }

        Assert.InRange(outcomes.Count(ok => !ok), 5, 35);
    }

    [Fact]
    public async Task Concurrent_requests_with_one_idempotency_key_create_one_customer()
    {
        var email = $"{Guid.NewGuid():n}@example.com";
        var key = Guid.NewGuid().ToString();

        var customers = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => _emulator.CreateClient(maxNetworkRetries: 5).V1.Customers
            .CreateAsync(new CustomerCreateOptions { Email = email }, new RequestOptions { IdempotencyKey = key })));

        Assert.Single(customers.Select(c => c.Id).Distinct());
        Assert.Equal(1, await CustomersWithEmailAsync(email));
    }
}
