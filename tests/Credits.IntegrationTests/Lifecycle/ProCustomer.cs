using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Credits.IntegrationTests.Story;
using Credits.Testing;
using Stripe;
using Xunit;

namespace Credits.IntegrationTests.Lifecycle;

/// <summary>A Pro customer on its own Stripe test clock (registered on Hobby, card saved, upgraded), and the steps the lifecycle tests share.</summary>
public sealed record ProCustomer(string Id, string StripeCustomerId, string SubscriptionId, string TestClock, DateTimeOffset PeriodEnd, long Granted)
{
    public static async Task<ProCustomer> CreateAsync(TestClockSystem system, HttpClient http, string prefix)
    {
        var stripe = system.Stripe.CreateClient();
        var id = $"{prefix}-{Guid.NewGuid():N}";
        Assert.Equal(HttpStatusCode.Accepted, (await http.PostAsJsonAsync("/v1/customers", new { customerId = id, email = $"{id}@example.com", planId = "hobby" })).StatusCode);
        var customer = await system.EventuallyAsync(http, $"/v1/customers/{id}", c => c.GetProperty("state").GetString() == "active"
            && c.GetProperty("balance").ValueKind == JsonValueKind.Object, "the Hobby customer is active");
        var stripeCustomerId = customer.GetProperty("stripeCustomerId").GetString()!;
        await StripeState.SaveCardAsync(stripe, stripeCustomerId);
        var upgrade = await http.PostAsJsonAsync($"/v1/customers/{id}/plan", new { planId = "pro" });
        var operation = (await upgrade.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("operationId").GetGuid();
        var done = await system.EventuallyAsync(http, $"/v1/operations/{operation}", o => o.GetProperty("status").GetString() is "completed" or "failed", "the upgrade ends");
        Assert.Equal("completed", done.GetProperty("status").GetString());
        // The operation completes a moment before the customer saga takes PlanChanged and frees the slot: a cancellation sent
        // in between is refused with 409 (the clean-clone run hit it). The customer on Pro with its slot free is the start.
        await system.EventuallyAsync(http, $"/v1/customers/{id}", c => c.GetProperty("planId").GetString() == "pro"
            && (!c.TryGetProperty("planChangeInFlight", out var inFlight) || inFlight.ValueKind == JsonValueKind.Null), "the customer is on Pro with its slot free");
        return new ProCustomer(id, stripeCustomerId, customer.GetProperty("subscription").GetProperty("id").GetString()!,
            (await stripe.V1.Customers.GetAsync(stripeCustomerId)).TestClockId!, customer.GetProperty("period").GetProperty("end").GetDateTimeOffset(),
            done.GetProperty("planChange").GetProperty("creditsGranted").GetInt64());
    }

    static int _events;

    public async Task<JsonElement> UseAsync(HttpClient http, long credits)
    {
        var response = await http.PostAsJsonAsync("/v1/usage", new { events = new[] { new { eventId = $"{Id}-{Interlocked.Increment(ref _events)}", customerId = Id, credits } } });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public async Task<JsonElement> BalanceAsync(HttpClient http) => await http.GetFromJsonAsync<JsonElement>($"/v1/customers/{Id}/balance");

    public async Task<HttpResponseMessage> CancelAsync(HttpClient http, string? at = null, string? key = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/customers/{Id}/cancellation{(at is null ? "" : $"?at={at}")}");
        if (key is not null) request.Headers.Add("Idempotency-Key", key);
        return await http.SendAsync(request);
    }

    /// <summary>The total the Stripe meter holds for this customer.</summary>
    public async Task<decimal> MeteredAsync(StripeClient stripe)
    {
        var meter = (await stripe.V1.Billing.Meters.ListAsync()).Data.Single();
        var now = DateTime.UtcNow.Date;
        var total = 0m;
        await foreach (var s in stripe.V1.Billing.Meters.EventSummaries.ListAutoPagingAsync(meter.Id, new()
                       {
                           Customer = StripeCustomerId, StartTime = now.AddDays(-3), EndTime = now.AddDays(80),
                       }))
            total += (decimal)s.AggregatedValue;
        return total;
    }

    public Task WaitForMeterAsync(StripeClient stripe, decimal total) =>
        Eventually.Get(() => MeteredAsync(stripe), t => t == total, TestClockSystem.StepTimeout, $"{total} overage credits reach Stripe's meter");
}
