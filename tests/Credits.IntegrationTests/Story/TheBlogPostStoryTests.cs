using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Credits.Persistence;
using Credits.Sagas.StateMachines;
using Credits.Testing;
using Microsoft.EntityFrameworkCore;
using Stripe;
using Xunit;
using Xunit.Abstractions;

namespace Credits.IntegrationTests.Story;

/// <summary>
/// The story of the blog post whose author built credits on Stripe by hand, told on the real Gateway,
/// Orchestrator, PostgreSQL, RabbitMQ and the Stripe emulator, with the customer on a Stripe test clock:
/// a Hobby customer gets 200 credits, spends them and is stopped at zero; upgrades to Pro, pays the flat fee up
/// front and gets Pro's credits at once; goes into overage, which reaches the Stripe meter; tops up; downgrades,
/// which happens at the period end; the next period's allowance arrives. The balance is read over HTTP right
/// after every usage event: the ledger, not Stripe's meter, answers at once.
/// </summary>
public class TheBlogPostStoryTests(TestClockSystem system, ITestOutputHelper output) : IClassFixture<TestClockSystem>
{
    StripeClient Stripe => system.Stripe.CreateClient();

    [Fact]
    public async Task Hobby_to_pro_overage_top_up_and_downgrade_at_the_period_end()
    {
        using var http = system.Client();
        var id = $"story-{Guid.NewGuid():N}";

        // 1. A Hobby customer gets 200 credits.
        Assert.Equal(HttpStatusCode.Accepted, (await http.PostAsJsonAsync("/v1/customers", new { customerId = id, email = $"{id}@example.com", planId = "hobby" })).StatusCode);
        var customer = await system.EventuallyAsync(http, $"/v1/customers/{id}", c => c.GetProperty("state").GetString() == "active"
            && c.GetProperty("balance").ValueKind == JsonValueKind.Object, "the Hobby customer is active with its allowance");
        Assert.Equal(200, customer.GetProperty("balance").GetProperty("available").GetInt64());
        var stripeCustomerId = customer.GetProperty("stripeCustomerId").GetString()!;
        var testClock = (await Stripe.V1.Customers.GetAsync(stripeCustomerId)).TestClockId;
        Assert.NotNull(testClock);
        Step("registered on Hobby: 200 credits");

        // 2. Spends them, checked after every event, and is stopped at zero (Hobby has no overage).
        var events = 0;
        foreach (var expected in new long[] { 150, 100, 50, 0 })
        {
            await UseAsync(http, id, 50, ++events);
            Assert.Equal(expected, await AvailableAsync(http, id));
        }
        await UseAsync(http, id, 10, ++events);
        Assert.Equal(0, await AvailableAsync(http, id));
        var entitlement = await http.GetFromJsonAsync<JsonElement>($"/v1/customers/{id}/entitlement?credits=1");
        Assert.False(entitlement.GetProperty("allowed").GetBoolean());
        Step("spent 200, stopped at zero");

        // 3. Upgrades to Pro with a saved card: the flat fee is charged up front, Pro's credits are there at once.
        await StripeState.SaveCardAsync(Stripe, stripeCustomerId);
        var upgrade = await ChangePlanAsync(http, id, "pro");
        var upgraded = await OperationEndsAsync(http, upgrade);
        Assert.Equal("completed", upgraded.GetProperty("status").GetString());
        var granted = upgraded.GetProperty("planChange").GetProperty("creditsGranted").GetInt64();
        Assert.InRange(granted, 4_990, 5_000);
        Assert.Equal(granted, await AvailableAsync(http, id));
        var subscriptionId = customer.GetProperty("subscription").GetProperty("id").GetString()!;
        var proration = Assert.Single((await Stripe.V1.Invoices.ListAsync(new() { Subscription = subscriptionId })).Data,
            i => i.BillingReason == "subscription_update");
        Assert.Equal("paid", proration.Status);
        Assert.InRange(proration.AmountPaid, 1_990, 2_000);
        await StripeState.AssertItemsMatchPlanAsync(Stripe, subscriptionId, "pro");
        Step($"upgraded to Pro: {proration.AmountPaid} cents charged now, {granted} credits granted");

        // 4. Goes into overage: the balance stays at zero, the overage is recorded and reaches Stripe's meter.
        await UseAsync(http, id, granted, ++events);
        Assert.Equal(0, await AvailableAsync(http, id));
        await UseAsync(http, id, 120, ++events);
        var balance = await http.GetFromJsonAsync<JsonElement>($"/v1/customers/{id}/balance");
        Assert.Equal((0L, 120L), (balance.GetProperty("available").GetInt64(), balance.GetProperty("overageThisPeriod").GetInt64()));
        await Eventually.Get(() => MeteredAsync(stripeCustomerId), total => total == 120, TestClockSystem.StepTimeout, "the overage reaches Stripe's meter");
        Step("120 credits of overage metered to Stripe");

        // 5. Tops up through Checkout: 500 credits once the payment succeeds.
        var purchase = new HttpRequestMessage(HttpMethod.Post, $"/v1/customers/{id}/top-ups") { Content = JsonContent.Create(new { packId = "small" }) };
        purchase.Headers.Add("Idempotency-Key", $"story-top-up-{id}");
        var purchased = await (await http.SendAsync(purchase)).Content.ReadFromJsonAsync<JsonElement>();
        var purchaseId = purchased.GetProperty("purchaseId").GetGuid();
        var topUp = await system.EventuallyAsync(http, $"/v1/operations/{purchaseId}",
            o => o.GetProperty("topUp").TryGetProperty("checkoutUrl", out var url) && url.ValueKind == JsonValueKind.String, "a checkout URL");
        var sessionId = new Uri(topUp.GetProperty("topUp").GetProperty("checkoutUrl").GetString()!).Segments[^1];
        await system.Stripe.Control.CheckoutAsync(sessionId, "complete");
        Assert.Equal("completed", (await OperationEndsAsync(http, purchaseId)).GetProperty("status").GetString());
        Assert.Equal(500, await AvailableAsync(http, id));
        Step("topped up 500 credits through Checkout");

        // 6. Downgrades to Hobby: nothing changes until the period end.
        var downgrade = await ChangePlanAsync(http, id, "hobby");
        await system.EventuallyAsync(http, $"/v1/operations/{downgrade}", o => o.GetProperty("sagaState").GetString() == "WaitingForPeriodEnd", "the downgrade waits");
        await StripeState.AssertItemsMatchPlanAsync(Stripe, subscriptionId, "pro");
        var periodEnd = customer.GetProperty("period").GetProperty("end").GetDateTimeOffset();

        // Stripe's clock comes to an hour before the period end, and so does Credits' (its durable scheduler
        // holds the downgrade until then; here the scheduled message is made due now).
        await system.AdvanceClockAsync(testClock!, periodEnd.AddHours(-1));
        await FireDowngradeAsync(downgrade);
        var downgraded = await OperationEndsAsync(http, downgrade);
        Assert.Equal("completed", downgraded.GetProperty("status").GetString());
        await StripeState.AssertItemsMatchPlanAsync(Stripe, subscriptionId, "hobby");
        Step("downgraded to Hobby at the period end (final overage reported first)");

        // 7. The period ends: the renewal bills Pro's last overage, and Hobby's next allowance arrives.
        await system.AdvanceClockAsync(testClock!, periodEnd.AddHours(1));
        var renewed = await system.EventuallyAsync(http, $"/v1/customers/{id}",
            c => c.GetProperty("period").GetProperty("start").GetDateTimeOffset() == periodEnd
                 && c.GetProperty("balance").GetProperty("periodStart").GetDateTimeOffset() == periodEnd, "the next period opens");
        Assert.Equal("hobby", renewed.GetProperty("planId").GetString());
        // Hobby's 200 for the new period, and the 500 purchased (purchases do not lapse). The new period starts at
        // the test clock's time, a month ahead of the wall clock the ledger runs on, so its allowance shows as
        // upcoming until then; with real time the two are the same instant.
        var next = renewed.GetProperty("balance");
        Assert.Equal((500L, 200L), (next.GetProperty("available").GetInt64(), next.GetProperty("upcoming").GetInt64()));
        var renewal = Assert.Single((await Stripe.V1.Invoices.ListAsync(new() { Subscription = subscriptionId })).Data,
            i => i.BillingReason == "subscription_cycle");
        Assert.Equal("paid", renewal.Status);
        // Pro's last 120 overage credits at half a cent, billed although the metered item is gone (create_prorations),
        // less the unused hour of Pro's flat fee; Hobby itself is free.
        var lines = (await Stripe.V1.Invoices.LineItems.ListAsync(renewal.Id)).Data;
        Assert.Contains(lines, l => l.Quantity == 120 && l.Amount == 60);
        Assert.InRange(renewal.AmountPaid, 55, 60);
        Step($"renewed on Hobby: 200 new credits, {renewal.AmountPaid} cents billed for the last overage");
    }

    void Step(string what) => output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {what}");

    static async Task UseAsync(HttpClient http, string customerId, long credits, int n)
    {
        var response = await http.PostAsJsonAsync("/v1/usage", new { events = new[] { new { eventId = $"{customerId}-{n}", customerId, credits } } });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    static async Task<long> AvailableAsync(HttpClient http, string customerId) =>
        (await http.GetFromJsonAsync<JsonElement>($"/v1/customers/{customerId}/balance")).GetProperty("available").GetInt64();

    static async Task<Guid> ChangePlanAsync(HttpClient http, string customerId, string planId)
    {
        var response = await http.PostAsJsonAsync($"/v1/customers/{customerId}/plan", new { planId });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("operationId").GetGuid();
    }

    Task<JsonElement> OperationEndsAsync(HttpClient http, Guid operationId) =>
        system.EventuallyAsync(http, $"/v1/operations/{operationId}",
            o => o.GetProperty("status").GetString() is "completed" or "failed" or "rejected" or "cancelled", $"operation {operationId} ends");



    async Task FireDowngradeAsync(Guid operationId)
    {
        await using var db = system.Accounts.NewDbContext();
        var token = await db.Set<PlanChangeState>().Where(x => x.CorrelationId == operationId).Select(x => x.PeriodEndTokenId).SingleAsync();
        await system.FireScheduledNowAsync(token!.Value);
    }

    async Task<decimal> MeteredAsync(string stripeCustomerId)
    {
        var meter = (await Stripe.V1.Billing.Meters.ListAsync()).Data.Single();
        var now = DateTime.UtcNow;
        var total = 0m;
        await foreach (var s in Stripe.V1.Billing.Meters.EventSummaries.ListAutoPagingAsync(meter.Id, new()
                       {
                           Customer = stripeCustomerId,
                           StartTime = new DateTime(now.Year, now.Month, now.Day, 0, 0, 0, DateTimeKind.Utc).AddDays(-3),
                           EndTime = new DateTime(now.Year, now.Month, now.Day, 0, 0, 0, DateTimeKind.Utc).AddDays(40),
                       }))
            total += (decimal)s.AggregatedValue;
        return total;
    }
}
