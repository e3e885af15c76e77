using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Credits.Contracts.PlanChanges;
using Credits.Contracts.TopUps;
using Credits.Testing;
using Stripe;
using Xunit;

namespace Credits.IntegrationTests.Customers;

/// <summary>
/// Whole flows over HTTP on the real system: Gateway -> RabbitMQ -> the Orchestrator's sagas and step consumers ->
/// Stripe.net -> the emulator -> signed webhooks -> Gateway -> sagas -> ledger, followed through GET endpoints.
/// </summary>
public class CustomerFlowTests(SystemUnderTest system) : IClassFixture<SystemUnderTest>, IAsyncLifetime
{
    static readonly TimeSpan FlowTimeout = TimeSpan.FromSeconds(90);
    TestBus? _bus;
    TestBus Bus => _bus!;
    StripeClient Stripe => system.Stripe.CreateClient();

    public async Task InitializeAsync() =>
        _bus = await TestBus.StartAsync(system.Infrastructure.VirtualHost.Uri, typeof(PurchaseCredits), typeof(PlanChangeRejected));

    public async Task DisposeAsync() { if (_bus is not null) await _bus.DisposeAsync(); }

    static string NewCustomer(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    static HttpRequestMessage Post(string path, object body, string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        return request;
    }

    async Task<JsonElement> GetAsync(string path)
    {
        using var client = system.Client();
        return await client.GetFromJsonAsync<JsonElement>(path);
    }

    /// <summary>Polls a GET until it answers 200 and the body satisfies <paramref name="until"/> (a 404 means: not yet).</summary>
    async Task<JsonElement> EventuallyAsync(string path, Func<JsonElement, bool> until, string because)
    {
        using var client = system.Client();
        try
        {
            return (await Eventually.Get(async () =>
            {
                var response = await client.GetAsync(path);
                return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<JsonElement>() : (JsonElement?)null;
            }, body => body is { } b && until(b), FlowTimeout, because))!.Value;
        }
        catch (TimeoutException e)
        {
            // The flow stopped somewhere in the Orchestrator: its log says where.
            throw new TimeoutException($"{e.Message}\nOrchestrator output (tail):\n{Tail(system.Orchestrator.Output)}", e);
        }
    }

    static string Tail(string output) => output.Length <= 20000 ? output : output[^20000..];

    /// <summary>Registers the customer over HTTP and waits until it is active with its first allowance in the ledger.</summary>
    async Task<JsonElement> RegisterAsync(string customerId, string planId)
    {
        using var client = system.Client();
        var response = await client.PostAsJsonAsync("/v1/customers", new { customerId, email = $"{customerId}@example.com", planId });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return await EventuallyAsync($"/v1/customers/{customerId}",
            c => c.GetProperty("state").GetString() == "active" && c.GetProperty("balance").ValueKind == JsonValueKind.Object,
            because: $"{customerId} is registered and has its allowance");
    }

    /// <summary>The customer saves a card in Stripe (what the portal's card form would do), so invoices can be charged.</summary>
    Task SaveCardAsync(string stripeCustomerId) => StripeState.SaveCardAsync(Stripe, stripeCustomerId);

    Task<JsonElement> FinishedOperationAsync(Guid operationId) =>
        EventuallyAsync($"/v1/operations/{operationId}",
            o => o.GetProperty("status").GetString() is not ("accepted" or "running"), because: $"operation {operationId} ends");

    [Fact]
    public async Task A_hobby_customer_becomes_active_with_200_credits_and_registering_again_creates_nothing()
    {
        var customerId = NewCustomer("hobby");

        var customer = await RegisterAsync(customerId, "hobby");

        Assert.Equal("hobby", customer.GetProperty("planId").GetString());
        Assert.Equal(200, customer.GetProperty("balance").GetProperty("available").GetInt64());
        var subscription = customer.GetProperty("subscription");
        Assert.StartsWith("sub_", subscription.GetProperty("id").GetString());
        Assert.Single(subscription.GetProperty("items").EnumerateArray()); // Hobby: the flat item only, no overage
        Assert.Equal(JsonValueKind.Object, customer.GetProperty("period").ValueKind);

        using var client = system.Client();
        var again = await client.PostAsJsonAsync("/v1/customers", new { customerId, planId = "hobby" });
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var stripeCustomerId = customer.GetProperty("stripeCustomerId").GetString()!;
        Assert.Equal(stripeCustomerId, (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("stripeCustomerId").GetString());

        await Task.Delay(TimeSpan.FromSeconds(2));
        var inStripe = await new CustomerService(Stripe).SearchAsync(new CustomerSearchOptions { Query = $"metadata['customer_id']:'{customerId}'" });
        Assert.Single(inStripe.Data);
        var subscriptions = await new SubscriptionService(Stripe).ListAsync(new SubscriptionListOptions { Customer = stripeCustomerId });
        Assert.Single(subscriptions.Data);
        Assert.Equal(200, (await GetAsync($"/v1/customers/{customerId}")).GetProperty("balance").GetProperty("available").GetInt64());
    }

    [Fact]
    public async Task An_upgrade_completes_with_pros_prorated_credits_and_a_downgrade_then_blocks_other_changes()
    {
        var customerId = NewCustomer("upgrade");
        var registered = await RegisterAsync(customerId, "hobby");
        await SaveCardAsync(registered.GetProperty("stripeCustomerId").GetString()!);
        using var client = system.Client();

        var upgrade = await client.SendAsync(Post($"/v1/customers/{customerId}/plan", new { planId = "pro" }, "upgrade-1"));
        Assert.Equal(HttpStatusCode.Accepted, upgrade.StatusCode);
        var upgradeId = (await upgrade.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("operationId").GetGuid();
        var done = await FinishedOperationAsync(upgradeId);

        Assert.Equal("completed", done.GetProperty("status").GetString());
        Assert.Equal("Completed", done.GetProperty("sagaState").GetString());
        var change = done.GetProperty("planChange");
        Assert.Equal(("upgrade", "hobby", "pro"), (change.GetProperty("direction").GetString(), change.GetProperty("fromPlanId").GetString(),
            change.GetProperty("toPlanId").GetString()));
        Assert.Contains(change.GetProperty("steps").EnumerateArray(), s => s.GetProperty("step").GetString() == "grant-credits");
        Assert.All(change.GetProperty("steps").EnumerateArray(), s => Assert.Equal(JsonValueKind.String, s.GetProperty("at").ValueKind));
        // Pro includes 5,000 credits a month; the period started moments ago, so nearly all of it is prorated in.
        var granted = change.GetProperty("creditsGranted").GetInt64();
        Assert.InRange(granted, 4_900, 5_000);
        var customer = await EventuallyAsync($"/v1/customers/{customerId}",
            c => c.GetProperty("planId").GetString() == "pro", because: "the customer saga records the new plan");
        Assert.Equal(JsonValueKind.Null, customer.GetProperty("planChangeInFlight").ValueKind);
        Assert.Equal(2, customer.GetProperty("subscription").GetProperty("items").GetArrayLength()); // flat + metered overage
        var balance = customer.GetProperty("balance");
        Assert.Equal("pro", balance.GetProperty("planId").GetString());
        Assert.Equal(200 + granted, balance.GetProperty("available").GetInt64());

        var retried = await client.SendAsync(Post($"/v1/customers/{customerId}/plan", new { planId = "pro" }, "upgrade-1"));
        var retriedBody = await retried.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((upgradeId, "completed", true), (retriedBody.GetProperty("operationId").GetGuid(), retriedBody.GetProperty("status").GetString(),
            retriedBody.GetProperty("repeated").GetBoolean()));

        // A downgrade waits for the period end, holding the customer's one plan-change slot meanwhile.
        var downgrade = await client.SendAsync(Post($"/v1/customers/{customerId}/plan", new { planId = "hobby" }));
        Assert.Equal(HttpStatusCode.Accepted, downgrade.StatusCode);
        var downgradeId = (await downgrade.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("operationId").GetGuid();
        var waiting = await EventuallyAsync($"/v1/operations/{downgradeId}",
            o => o.GetProperty("sagaState").GetString() == "WaitingForPeriodEnd", because: "the downgrade waits for the period end");
        Assert.Equal("running", waiting.GetProperty("status").GetString());
        Assert.Equal(downgradeId, (await GetAsync($"/v1/customers/{customerId}")).GetProperty("planChangeInFlight").GetGuid());

        var blocked = await client.SendAsync(Post($"/v1/customers/{customerId}/plan", new { planId = "hobby" }, "another"));
        Assert.Equal(HttpStatusCode.Conflict, blocked.StatusCode);
        Assert.Equal(downgradeId, (await blocked.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("inFlightOperationId").GetGuid());

        // A change that reaches the saga past the Gateway's check (a race) is rejected there and kept as a record.
        var raced = Guid.NewGuid();
        await Bus.Publisher.Publish(new ChangePlan { OperationId = raced, CustomerId = customerId, NewPlanId = "hobby" });
        var rejected = await FinishedOperationAsync(raced);
        Assert.Equal("rejected", rejected.GetProperty("status").GetString());
        Assert.Contains("in flight", rejected.GetProperty("error").GetString());
        Assert.Equal(JsonValueKind.Null, rejected.GetProperty("planChange").GetProperty("direction").ValueKind);
        Assert.Equal("running", (await GetAsync($"/v1/operations/{downgradeId}")).GetProperty("status").GetString());
        var listed = await GetAsync($"/v1/customers/{customerId}/operations");
        Assert.Equal(new[] { upgradeId, downgradeId, raced }.OrderBy(x => x),
            listed.EnumerateArray().Select(o => o.GetProperty("operationId").GetGuid()).OrderBy(x => x));
    }

    [Fact]
    public async Task A_top_up_through_checkout_grants_its_credits_once_however_often_stripe_reports_the_payment()
    {
        var customerId = NewCustomer("top-up");
        await RegisterAsync(customerId, "hobby");
        using var client = system.Client();

        var response = await client.SendAsync(Post($"/v1/customers/{customerId}/top-ups", new { packId = "small" }, "buy-1"));
        var purchase = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.Accepted, $"{response.StatusCode}: {purchase}");
        var purchaseId = purchase.GetProperty("purchaseId").GetGuid();
        if (response.StatusCode == HttpStatusCode.Created) Assert.Contains("/checkout/", purchase.GetProperty("checkoutUrl").GetString());
        // On a slow machine the session may take longer than the Gateway's wait: then follow the operation.
        var awaiting = await EventuallyAsync($"/v1/operations/{purchaseId}",
            o => o.GetProperty("topUp").GetProperty("checkoutSessionId").ValueKind == JsonValueKind.String, because: "Stripe has the Checkout session");
        Assert.Equal("running", awaiting.GetProperty("status").GetString());
        Assert.Equal("small", awaiting.GetProperty("topUp").GetProperty("packId").GetString());
        var sessionId = awaiting.GetProperty("topUp").GetProperty("checkoutSessionId").GetString()!;

        // The same PurchaseCredits delivered again (a relay that sent it twice, another Gateway): the saga ignores it.
        var published = await Eventually.Get(() => Task.FromResult(Bus.Received<PurchaseCredits>().Where(p => p.PurchaseId == purchaseId).ToList()),
            p => p.Count == 1, because: "the Gateway's PurchaseCredits is seen on the bus");
        await Bus.Publisher.Publish(published[0]);
        await Bus.Publisher.Publish(published[0]);
        await Task.Delay(TimeSpan.FromSeconds(3));
        var sessions = await new Stripe.Checkout.SessionService(Stripe).ListAsync(new Stripe.Checkout.SessionListOptions { Limit = 100 });
        Assert.Single(sessions.Data, s => s.Metadata.TryGetValue("purchase_id", out var id) && id == purchaseId.ToString());
        Assert.Equal(sessionId, (await GetAsync($"/v1/operations/{purchaseId}")).GetProperty("topUp").GetProperty("checkoutSessionId").GetString());

        try
        {
            // Every webhook delivered twice, out of order: checkout.session.completed and payment_intent.succeeded, doubled.
            await system.Stripe.Control.ChaosAsync(duplicateRate: 1, reorderWindowMs: 300);
            await system.Stripe.Control.CheckoutAsync(sessionId, "complete");
            var completed = await FinishedOperationAsync(purchaseId);
            Assert.Equal("completed", completed.GetProperty("status").GetString());
            await Task.Delay(TimeSpan.FromSeconds(3)); // let the duplicates arrive
        }
        finally
        {
            await system.Stripe.Control.ChaosAsync(duplicateRate: 0, reorderWindowMs: 0);
        }

        Assert.Equal(700, (await GetAsync($"/v1/customers/{customerId}")).GetProperty("balance").GetProperty("available").GetInt64());
        var books = await system.Accounts.BooksAsync(customerId);
        Assert.Equal(books.SumOfEntries, books.Column);

        var again = await client.SendAsync(Post($"/v1/customers/{customerId}/top-ups", new { packId = "small" }, "buy-1"));
        var againBody = await again.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((purchaseId, "completed", true), (againBody.GetProperty("purchaseId").GetGuid(), againBody.GetProperty("status").GetString(),
            againBody.GetProperty("repeated").GetBoolean()));
        await Task.Delay(TimeSpan.FromSeconds(2));
        // The Gateway's one and the test's two duplicates: the repeated request published nothing.
        Assert.Equal(3, Bus.Received<PurchaseCredits>().Count(p => p.CustomerId == customerId));
        Assert.Equal(700, (await GetAsync($"/v1/customers/{customerId}")).GetProperty("balance").GetProperty("available").GetInt64());
    }

    [Fact]
    public async Task The_auto_top_up_policy_set_over_http_is_what_get_returns()
    {
        var customerId = NewCustomer("auto");
        await RegisterAsync(customerId, "hobby");
        using var client = system.Client();

        var put = await client.PutAsJsonAsync($"/v1/customers/{customerId}/auto-top-up", new { enabled = true, threshold = 50, packId = "large" });

        Assert.Equal(HttpStatusCode.Accepted, put.StatusCode);
        var body = await EventuallyAsync($"/v1/customers/{customerId}/auto-top-up", _ => true, because: "the auto top-up saga stores the policy");
        Assert.Equal((true, 50L, "large", 3000L, "idle"), (body.GetProperty("enabled").GetBoolean(), body.GetProperty("threshold").GetInt64(),
            body.GetProperty("packId").GetString(), body.GetProperty("credits").GetInt64(), body.GetProperty("state").GetString()));
    }
    [Fact]
    public async Task Concurrent_registrations_of_one_customer_create_one_stripe_customer_and_one_allowance()
    {
        var customerId = NewCustomer("racing-registration");
        using var client = system.Client();

        var responses = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ =>
            client.PostAsJsonAsync("/v1/customers", new { customerId, planId = "hobby" })));

        Assert.All(responses, r => Assert.True(r.StatusCode is HttpStatusCode.Accepted or HttpStatusCode.OK, r.StatusCode.ToString()));
        var customer = await EventuallyAsync($"/v1/customers/{customerId}",
            c => c.GetProperty("state").GetString() == "active" && c.GetProperty("balance").ValueKind == JsonValueKind.Object,
            because: "the customer is registered");
        await Task.Delay(TimeSpan.FromSeconds(3)); // the other RegisterCustomer messages, if any were to do something
        var inStripe = await new CustomerService(Stripe).SearchAsync(new CustomerSearchOptions { Query = $"metadata['customer_id']:'{customerId}'" });
        Assert.Single(inStripe.Data);
        Assert.Single((await new SubscriptionService(Stripe).ListAsync(
            new SubscriptionListOptions { Customer = customer.GetProperty("stripeCustomerId").GetString() })).Data);
        Assert.Equal(200, (await GetAsync($"/v1/customers/{customerId}")).GetProperty("balance").GetProperty("available").GetInt64());
    }

    [Fact]
    public async Task Concurrent_upgrades_of_one_customer_run_one_change_and_grant_its_credits_once()
    {
        var customerId = NewCustomer("racing-upgrade");
        var registered = await RegisterAsync(customerId, "hobby");
        await SaveCardAsync(registered.GetProperty("stripeCustomerId").GetString()!);
        using var client = system.Client();

        var responses = await Task.WhenAll(Enumerable.Range(0, 5).Select(i =>
            client.SendAsync(Post($"/v1/customers/{customerId}/plan", new { planId = "pro" }, $"race-{i}"))));

        // Each request is refused at once (409) or accepted; of the accepted, the customer saga lets one through
        // and keeps the others as rejected operations.
        Assert.All(responses, r => Assert.True(r.StatusCode is HttpStatusCode.Accepted or HttpStatusCode.Conflict, r.StatusCode.ToString()));
        var accepted = new List<Guid>();
        foreach (var response in responses.Where(r => r.StatusCode == HttpStatusCode.Accepted))
            accepted.Add((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("operationId").GetGuid());
        Assert.NotEmpty(accepted);
        var outcomes = new List<JsonElement>();
        foreach (var id in accepted) outcomes.Add(await FinishedOperationAsync(id));
        var completed = Assert.Single(outcomes, o => o.GetProperty("status").GetString() == "completed");
        Assert.All(outcomes.Where(o => !o.Equals(completed)), o => Assert.Equal("rejected", o.GetProperty("status").GetString()));

        var granted = completed.GetProperty("planChange").GetProperty("creditsGranted").GetInt64();
        var customer = await EventuallyAsync($"/v1/customers/{customerId}", c => c.GetProperty("planId").GetString() == "pro",
            because: "the customer saga records the new plan");
        Assert.Equal(200 + granted, customer.GetProperty("balance").GetProperty("available").GetInt64());
        var invoices = await new InvoiceService(Stripe).ListAsync(new InvoiceListOptions { Customer = customer.GetProperty("stripeCustomerId").GetString() });
        Assert.Single(invoices.Data, i => i.BillingReason == "subscription_update"); // one proration charged
    }
    [Fact]
    public async Task A_registration_stripe_refuses_shows_as_failed_with_its_reason_and_cannot_be_repeated()
    {
        var customerId = NewCustomer("refused");
        using var client = system.Client();
        await system.Stripe.Control.AddFaultAsync(new { method = "POST", path = "/v1/customers", status = 400, rate = 1, times = 1000 });
        try
        {
            Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsJsonAsync("/v1/customers", new { customerId, planId = "hobby" })).StatusCode);
            var failed = await EventuallyAsync($"/v1/customers/{customerId}", c => c.GetProperty("state").GetString() == "registration-failed",
                because: "the saga gives up when Stripe refuses the customer");
            Assert.Contains("Stripe customer could not be created", failed.GetProperty("failureReason").GetString());
            Assert.Equal(JsonValueKind.Null, failed.GetProperty("balance").ValueKind);
        }
        finally
        {
            await system.Stripe.Control.ClearFaultsAsync();
        }

        var again = await client.PostAsJsonAsync("/v1/customers", new { customerId, planId = "hobby" });
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains("could not be registered", (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        var plan = await client.SendAsync(Post($"/v1/customers/{customerId}/plan", new { planId = "pro" }));
        Assert.Equal(HttpStatusCode.Conflict, plan.StatusCode);
    }
}
