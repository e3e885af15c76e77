using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Credits.Contracts.TopUps;
using Credits.IntegrationTests.Customers;
using Credits.Testing;
using Stripe;
using Xunit;

namespace Credits.IntegrationTests.Hardening;

/// <summary>
/// A customer's commands (plan change, purchase, auto top-up; from the portal or /v1) are rate limited per customer, and
/// new purchases (each a Checkout Session or a charge at Stripe) have their own limit counted in PostgreSQL, so it holds
/// across Gateway instances. A refused request answers 429 problem+json with Retry-After and changes nothing: no request
/// stored, no command published (seen on the bus), no Checkout Session at Stripe.
/// </summary>
[Collection(AbuseCollection.Name)]
public class RateLimitTests(AbuseSystem system)
{
    CustomerRows Rows => new(system.Accounts);

    [Fact]
    public async Task Commands_beyond_the_customer_limit_get_429_and_publish_nothing_from_the_api_and_the_portal_alike()
    {
        var customer = $"limited-{Guid.NewGuid():N}";
        await Rows.WriteActiveAsync(customer, "pro", "cus_" + customer);
        await using var bus = await TestBus.StartAsync(system.Infrastructure.VirtualHost.Uri, typeof(ConfigureAutoTopUp));
        using var api = system.Client();
        using var portal = PortalClient(customer);

        // The limit is the customer's, whichever door the commands come through.
        for (var i = 0; i < AbuseSystem.CommandsPerMinute; i++)
        {
            var response = i % 2 == 0 ? await api.PutAsJsonAsync($"/v1/customers/{customer}/auto-top-up", AutoTopUp(10 + i))
                : await portal.PutAsJsonAsync("/portal/api/auto-top-up", AutoTopUp(10 + i));
            Assert.True(response.IsSuccessStatusCode, $"command {i + 1}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
        await Eventually.True(() => Task.FromResult(Published(bus, customer).Count == AbuseSystem.CommandsPerMinute), TimeSpan.FromSeconds(30),
            "the accepted settings are published");

        var refused = new[]
        {
            await api.PutAsJsonAsync($"/v1/customers/{customer}/auto-top-up", AutoTopUp(99)),
            await portal.PutAsJsonAsync("/portal/api/auto-top-up", AutoTopUp(99)),
            await portal.PostAsJsonAsync("/portal/api/plan-changes", new { planId = "hobby" }),
            await api.SendAsync(Post($"/v1/customers/{customer}/plan", new { planId = "hobby" }, "limited-plan")),
            await api.SendAsync(Post($"/v1/customers/{customer}/top-ups", new { packId = "small" }, "limited-buy")),
        };

        foreach (var response in refused) await AssertTooManyAsync(response);
        // Nothing reached the sagas: no accepted plan change or purchase, no further auto top-up setting published.
        Assert.Empty(await Rows.RequestsAsync(customer));
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Equal(AbuseSystem.CommandsPerMinute, Published(bus, customer).Count);
        Assert.DoesNotContain(Published(bus, customer), c => c.Threshold == 99);

        // Another customer is not held back by this one.
        var other = $"unlimited-{Guid.NewGuid():N}";
        await Rows.WriteActiveAsync(other, "pro", "cus_" + other);
        Assert.Equal(HttpStatusCode.Accepted, (await api.PutAsJsonAsync($"/v1/customers/{other}/auto-top-up", AutoTopUp(5))).StatusCode);
    }

    [Fact]
    public async Task Purchases_beyond_the_limit_get_429_on_any_Gateway_instance_and_create_no_Checkout_Session()
    {
        var customer = $"buyer-{Guid.NewGuid():N}";
        var stripeCustomerId = await RegisterAsync(customer);
        // A second Gateway on the same database: the purchase limit is counted in PostgreSQL, not in one process.
        await using var second = new HostProcess("Gateway", system.Environment);
        await second.StartAsync();
        using var first = system.Client();
        using var other = system.Client();
        other.BaseAddress = second.BaseAddress;

        var accepted = new List<Guid>();
        foreach (var (gateway, key) in new[] { (first, "buy-1"), (other, "buy-2") })
        {
            var response = await gateway.SendAsync(Post($"/v1/customers/{customer}/top-ups", new { packId = "small" }, key));
            Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.Accepted, $"{key}: {(int)response.StatusCode}");
            accepted.Add((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("purchaseId").GetGuid());
        }
        // The same key again is the same purchase (no new session): it is answered, not counted.
        var repeat = await other.SendAsync(Post($"/v1/customers/{customer}/top-ups", new { packId = "small" }, "buy-1"));
        Assert.True(repeat.IsSuccessStatusCode, $"repeat: {(int)repeat.StatusCode}");
        Assert.True((await repeat.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("repeated").GetBoolean());

        var third = await other.SendAsync(Post($"/v1/customers/{customer}/top-ups", new { packId = "small" }, "buy-3"));
        var problem = await AssertTooManyAsync(third);
        Assert.Equal("Too many purchases", problem.GetProperty("title").GetString());
        Assert.InRange(third.Headers.RetryAfter!.Delta!.Value, TimeSpan.FromMinutes(50), TimeSpan.FromHours(1));

        // Nothing of the third: no accepted request, and Stripe has the two sessions only.
        Assert.Equal(2, (await Rows.RequestsAsync(customer)).Count);
        var stripe = new Stripe.Checkout.SessionService(system.Stripe.CreateClient());
        await Eventually.True(async () => (await SessionsAsync(stripe, stripeCustomerId)).Count == 2, TimeSpan.FromSeconds(60),
            "Stripe has the two accepted purchases' sessions");
        await Task.Delay(TimeSpan.FromSeconds(2));
        var sessions = await SessionsAsync(stripe, stripeCustomerId);
        Assert.Equal(accepted.Select(a => a.ToString()).Order(), sessions.Select(s => s.Metadata["purchase_id"]).Order());
    }

    static async Task<List<Stripe.Checkout.Session>> SessionsAsync(Stripe.Checkout.SessionService stripe, string stripeCustomerId) =>
        (await stripe.ListAsync(new Stripe.Checkout.SessionListOptions { Limit = 100 })).Data.Where(s => s.CustomerId == stripeCustomerId).ToList();

    static object AutoTopUp(long threshold) => new { enabled = true, threshold, packId = "small" };

    static HttpRequestMessage Post(string path, object body, string idempotencyKey)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", idempotencyKey);
        return request;
    }

    HttpClient PortalClient(string customer)
    {
        var http = system.Client(apiKey: null);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AbuseSystem.PortalToken(customer, DateTimeOffset.UtcNow.AddMinutes(30)));
        return http;
    }

    static async Task<JsonElement> AssertTooManyAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.TooManyRequests, $"{response.RequestMessage?.RequestUri}: {(int)response.StatusCode} {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.RetryAfter?.Delta is { } wait && wait > TimeSpan.Zero, "Retry-After says when to come back");
        var problem = JsonDocument.Parse(text).RootElement;
        Assert.Equal(429, problem.GetProperty("status").GetInt32());
        return problem;
    }

    async Task<string> RegisterAsync(string customer)
    {
        using var http = system.Client();
        var response = await http.PostAsJsonAsync("/v1/customers", new { customerId = customer, email = $"{customer}@example.com", planId = "hobby" });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var active = await Eventually.Get(async () =>
        {
            var r = await http.GetAsync($"/v1/customers/{customer}");
            return r.IsSuccessStatusCode ? await r.Content.ReadFromJsonAsync<JsonElement>() : (JsonElement?)null;
        }, c => c is { } b && b.GetProperty("state").GetString() == "active", TimeSpan.FromSeconds(90), "the customer is registered");
        return active!.Value.GetProperty("stripeCustomerId").GetString()!;
    }

    static List<ConfigureAutoTopUp> Published(TestBus bus, string customer) =>
        bus.Received<ConfigureAutoTopUp>().Where(c => c.CustomerId == customer).ToList();
}
