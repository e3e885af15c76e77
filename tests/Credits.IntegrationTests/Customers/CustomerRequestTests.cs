using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Credits.Contracts.Customers;
using Credits.Contracts.PlanChanges;
using Credits.Contracts.TopUps;
using Credits.Sagas;
using Credits.Testing;
using Xunit;

namespace Credits.IntegrationTests.Customers;

/// <summary>
/// The customer, plan change and top-up endpoints on the real Gateway: what they refuse (problem details, nothing
/// written, nothing published), what they accept once, and the one-plan-change-in-flight rule. States that would
/// need a finished registration are arranged by writing the customer saga's row (<see cref="CustomerRows"/>), so
/// these tests hold whether or not the Orchestrator runs the sagas; the whole flows are in CustomerFlowTests.
/// </summary>
public class CustomerRequestTests(SystemUnderTest system) : IClassFixture<SystemUnderTest>, IAsyncLifetime
{
    TestBus? _bus;
    TestBus Bus => _bus!;
    CustomerRows Rows => new(system.Accounts);

    public async Task InitializeAsync() =>
        _bus = await TestBus.StartAsync(system.Infrastructure.VirtualHost.Uri,
            typeof(RegisterCustomer), typeof(ChangePlan), typeof(PurchaseCredits), typeof(ConfigureAutoTopUp));

    public async Task DisposeAsync() { if (_bus is not null) await _bus.DisposeAsync(); }

    static string NewCustomer(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    static HttpRequestMessage Post(string path, object body, string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        return request;
    }

    static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>
    /// Everything the Gateway committed before a marker registration is relayed by the time the marker arrives
    /// (give or take the other host's relay, hence the extra second): what has not arrived by then was not published.
    /// </summary>
    async Task SettleOutboxAsync()
    {
        var marker = NewCustomer("marker");
        using var client = system.Client();
        Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsJsonAsync("/v1/customers", new { customerId = marker })).StatusCode);
        await Eventually.True(() => Task.FromResult(Bus.Received<RegisterCustomer>().Any(m => m.CustomerId == marker)), because: "the marker is relayed");
        await Task.Delay(TimeSpan.FromSeconds(1));
    }

    int MessagesFor(string customerId) =>
        Bus.Received<RegisterCustomer>().Count(m => m.CustomerId == customerId) + Bus.Received<ChangePlan>().Count(m => m.CustomerId == customerId)
        + Bus.Received<PurchaseCredits>().Count(m => m.CustomerId == customerId) + Bus.Received<ConfigureAutoTopUp>().Count(m => m.CustomerId == customerId);

    [Fact]
    public async Task Invalid_requests_get_problem_details_and_change_nothing()
    {
        var customer = NewCustomer("invalid");
        var stranger = NewCustomer("stranger");
        await Rows.WriteActiveAsync(customer, "pro", "cus_" + customer);
        using var client = system.Client();

        var badId = await ProblemAsync(await client.PostAsJsonAsync("/v1/customers", new { customerId = "two words" }), HttpStatusCode.BadRequest);
        Assert.True(badId.GetProperty("errors").TryGetProperty("customerId", out _));
        await ProblemAsync(await client.PostAsJsonAsync("/v1/customers", new { customerId = "" }), HttpStatusCode.BadRequest);
        await ProblemAsync(await client.PostAsJsonAsync("/v1/customers", new { customerId = new string('x', 129) }), HttpStatusCode.BadRequest);
        var unknownPlan = await ProblemAsync(await client.PostAsJsonAsync("/v1/customers", new { customerId = stranger, planId = "platinum" }),
            HttpStatusCode.BadRequest);
        Assert.Contains("platinum", unknownPlan.GetProperty("detail").GetString());
        await ProblemAsync(await client.PostAsJsonAsync("/v1/customers", new { customerId = stranger, email = "not-an-address" }), HttpStatusCode.BadRequest);
        await ProblemAsync(await client.PostAsync("/v1/customers", new StringContent("{\"customerId\": ", Encoding.UTF8, "application/json")),
            HttpStatusCode.BadRequest);

        await ProblemAsync(await client.SendAsync(Post($"/v1/customers/{customer}/plan", new { planId = "platinum" })), HttpStatusCode.BadRequest);
        await ProblemAsync(await client.SendAsync(Post($"/v1/customers/{customer}/plan", new { })), HttpStatusCode.BadRequest);
        await ProblemAsync(await client.SendAsync(Post($"/v1/customers/{customer}/plan", new { planId = "hobby" }, idempotencyKey: new string('k', 256))),
            HttpStatusCode.BadRequest);

        var noKey = await ProblemAsync(await client.SendAsync(Post($"/v1/customers/{customer}/top-ups", new { packId = "small" })), HttpStatusCode.BadRequest);
        Assert.Contains("Idempotency-Key", noKey.GetProperty("detail").GetString());
        await ProblemAsync(await client.SendAsync(Post($"/v1/customers/{customer}/top-ups", new { packId = "huge" }, "k1")), HttpStatusCode.BadRequest);

        await ProblemAsync(await client.PutAsJsonAsync($"/v1/customers/{customer}/auto-top-up", new { enabled = true, threshold = -1, packId = "small" }),
            HttpStatusCode.BadRequest);
        await ProblemAsync(await client.PutAsJsonAsync($"/v1/customers/{customer}/auto-top-up", new { enabled = true, threshold = 10, packId = "huge" }),
            HttpStatusCode.BadRequest);
        await ProblemAsync(await client.GetAsync($"/v1/customers/{customer}/operations?limit=0"), HttpStatusCode.BadRequest);

        await SettleOutboxAsync();
        Assert.Equal(0, MessagesFor(customer));
        Assert.Equal(0, MessagesFor(stranger));
        Assert.Empty(await Rows.RequestsAsync(customer));
        Assert.False(await Rows.CustomerExistsAsync(stranger));
    }

    [Fact]
    public async Task An_unknown_customer_or_operation_is_404_problem_details()
    {
        var nobody = NewCustomer("nobody");
        using var client = system.Client();

        await ProblemAsync(await client.GetAsync($"/v1/customers/{nobody}"), HttpStatusCode.NotFound);
        await ProblemAsync(await client.SendAsync(Post($"/v1/customers/{nobody}/plan", new { planId = "pro" })), HttpStatusCode.NotFound);
        await ProblemAsync(await client.SendAsync(Post($"/v1/customers/{nobody}/top-ups", new { packId = "small" }, "k")), HttpStatusCode.NotFound);
        await ProblemAsync(await client.PutAsJsonAsync($"/v1/customers/{nobody}/auto-top-up", new { enabled = true, threshold = 10, packId = "small" }),
            HttpStatusCode.NotFound);
        await ProblemAsync(await client.GetAsync($"/v1/customers/{nobody}/auto-top-up"), HttpStatusCode.NotFound);
        await ProblemAsync(await client.GetAsync($"/v1/customers/{nobody}/operations"), HttpStatusCode.NotFound);
        await ProblemAsync(await client.GetAsync($"/v1/operations/{Guid.NewGuid()}"), HttpStatusCode.NotFound);

        Assert.Empty(await Rows.RequestsAsync(nobody));
    }

    [Fact]
    public async Task A_new_customer_is_accepted_and_a_registered_one_is_returned_without_publishing_again()
    {
        var fresh = NewCustomer("fresh");
        var registered = NewCustomer("registered");
        await Rows.WriteActiveAsync(registered, "hobby", "cus_" + registered);
        using var client = system.Client();

        var accepted = await client.PostAsJsonAsync("/v1/customers", new { customerId = fresh, email = "ada@example.com", name = "Ada", planId = "hobby" });
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        Assert.Equal($"/v1/customers/{fresh}", accepted.Headers.Location?.OriginalString);
        Assert.Equal("registering", (await accepted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("state").GetString());

        var again = await client.PostAsJsonAsync("/v1/customers", new { customerId = registered, planId = "pro" });
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var customer = await again.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("active", customer.GetProperty("state").GetString());
        Assert.Equal("hobby", customer.GetProperty("planId").GetString()); // as registered, not as asked the second time

        await SettleOutboxAsync();
        var published = Assert.Single(Bus.Received<RegisterCustomer>(), m => m.CustomerId == fresh);
        Assert.Equal(("ada@example.com", "Ada", "hobby"), (published.Email, published.Name, published.PlanId));
        Assert.Equal(0, MessagesFor(registered));
    }

    [Fact]
    public async Task A_second_plan_change_while_one_holds_the_customer_gets_409_naming_it()
    {
        var customer = NewCustomer("slot-held");
        var inFlight = Guid.NewGuid();
        await Rows.WriteActiveAsync(customer, "hobby", "cus_" + customer, planChangeInFlight: inFlight);
        using var client = system.Client();

        var problem = await ProblemAsync(await client.SendAsync(Post($"/v1/customers/{customer}/plan", new { planId = "pro" }, "upgrade-1")),
            HttpStatusCode.Conflict);

        Assert.Equal(inFlight, problem.GetProperty("inFlightOperationId").GetGuid());
        Assert.Contains(inFlight.ToString(), problem.GetProperty("detail").GetString());
        await SettleOutboxAsync();
        Assert.Equal(0, MessagesFor(customer));
        Assert.Empty(await Rows.RequestsAsync(customer));
    }

    [Fact]
    public async Task A_plan_change_is_accepted_once_per_key_and_blocks_a_second_one_until_it_ends()
    {
        // A downgrade waits for the period end (a month away), so it stays in flight however fast the sagas run.
        var customer = NewCustomer("downgrade");
        await Rows.WriteActiveAsync(customer, "pro", "cus_" + customer);
        using var client = system.Client();

        var first = await client.SendAsync(Post($"/v1/customers/{customer}/plan", new { planId = "hobby" }, "downgrade-1"));
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        var operation = (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("operationId").GetGuid();
        Assert.Equal($"/v1/operations/{operation}", first.Headers.Location?.OriginalString);

        var retried = await client.SendAsync(Post($"/v1/customers/{customer}/plan", new { planId = "hobby" }, "downgrade-1"));
        Assert.Equal(HttpStatusCode.Accepted, retried.StatusCode);
        var retriedBody = await retried.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(operation, retriedBody.GetProperty("operationId").GetGuid());
        Assert.True(retriedBody.GetProperty("repeated").GetBoolean());

        var second = await ProblemAsync(await client.SendAsync(Post($"/v1/customers/{customer}/plan", new { planId = "hobby" }, "downgrade-2")),
            HttpStatusCode.Conflict);
        Assert.Equal(operation, second.GetProperty("inFlightOperationId").GetGuid());
        var keyless = await ProblemAsync(await client.SendAsync(Post($"/v1/customers/{customer}/plan", new { planId = "hobby" })), HttpStatusCode.Conflict);
        Assert.Equal(operation, keyless.GetProperty("inFlightOperationId").GetGuid());
        var reused = await ProblemAsync(await client.SendAsync(Post($"/v1/customers/{customer}/plan", new { planId = "pro" }, "downgrade-1")),
            HttpStatusCode.Conflict);
        Assert.Contains("Idempotency-Key", reused.GetProperty("detail").GetString());

        var view = await client.GetFromJsonAsync<JsonElement>($"/v1/operations/{operation}");
        Assert.Equal("plan-change", view.GetProperty("kind").GetString());
        Assert.Equal(customer, view.GetProperty("customerId").GetString());
        Assert.Contains(view.GetProperty("status").GetString(), new[] { "accepted", "running" });
        Assert.Equal("hobby", view.GetProperty("planChange").GetProperty("toPlanId").GetString());
        var listed = await client.GetFromJsonAsync<JsonElement>($"/v1/customers/{customer}/operations");
        Assert.Equal(operation, Assert.Single(listed.EnumerateArray()).GetProperty("operationId").GetGuid());
        var console = await client.GetFromJsonAsync<JsonElement>($"/v1/operations?customerId={customer}");
        Assert.Equal(operation, Assert.Single(console.EnumerateArray()).GetProperty("operationId").GetGuid());
        Assert.Single((await client.GetFromJsonAsync<JsonElement>("/v1/operations?limit=1")).EnumerateArray());
        await ProblemAsync(await client.GetAsync("/v1/operations?limit=201"), HttpStatusCode.BadRequest);

        await SettleOutboxAsync();
        var published = Assert.Single(Bus.Received<ChangePlan>(), m => m.CustomerId == customer);
        Assert.Equal((operation, "hobby"), (published.OperationId, published.NewPlanId));
        Assert.Single(await Rows.RequestsAsync(customer));
    }

    [Fact]
    public async Task A_change_to_the_current_plan_is_refused()
    {
        var customer = NewCustomer("same-plan");
        await Rows.WriteActiveAsync(customer, "hobby", "cus_" + customer);
        using var client = system.Client();

        var problem = await ProblemAsync(await client.SendAsync(Post($"/v1/customers/{customer}/plan", new { planId = "hobby" })), HttpStatusCode.Conflict);

        Assert.Contains("already on 'hobby'", problem.GetProperty("detail").GetString());
        Assert.Empty(await Rows.RequestsAsync(customer));
    }

    [Fact]
    public async Task The_same_top_up_key_names_the_same_purchase_and_publishes_it_once()
    {
        var customer = NewCustomer("top-up");
        // A real Stripe customer, so the top-up saga (when the Orchestrator runs it) can open a Checkout session.
        var stripeCustomer = await new Stripe.CustomerService(system.Stripe.CreateClient()).CreateAsync(new Stripe.CustomerCreateOptions { Email = "t@example.com" });
        await Rows.WriteActiveAsync(customer, "hobby", stripeCustomer.Id);
        using var client = system.Client();
        var expected = SagaKeys.ForPurchase(customer, "buy-1");

        var first = await client.SendAsync(Post($"/v1/customers/{customer}/top-ups", new { packId = "small" }, "buy-1"));
        var again = await client.SendAsync(Post($"/v1/customers/{customer}/top-ups", new { packId = "small" }, "buy-1"));
        // Concurrent retries of another key race for the same operation row: one commits, the rest find it.
        var racing = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ =>
            client.SendAsync(Post($"/v1/customers/{customer}/top-ups", new { packId = "large" }, "buy-2"))));

        Assert.Contains(first.StatusCode, new[] { HttpStatusCode.Created, HttpStatusCode.Accepted });
        Assert.Equal($"/v1/operations/{expected}", first.Headers.Location?.OriginalString);
        var firstBody = await first.Content.ReadFromJsonAsync<JsonElement>();
        var againBody = await again.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(expected, firstBody.GetProperty("purchaseId").GetGuid());
        Assert.Equal(expected, againBody.GetProperty("purchaseId").GetGuid());
        Assert.False(firstBody.GetProperty("repeated").GetBoolean());
        Assert.True(againBody.GetProperty("repeated").GetBoolean());
        var racingIds = await Task.WhenAll(racing.Select(async r => (await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("purchaseId").GetGuid()));
        Assert.All(racingIds, id => Assert.Equal(SagaKeys.ForPurchase(customer, "buy-2"), id));

        var reused = await ProblemAsync(await client.SendAsync(Post($"/v1/customers/{customer}/top-ups", new { packId = "large" }, "buy-1")),
            HttpStatusCode.Conflict);
        Assert.Contains("Idempotency-Key", reused.GetProperty("detail").GetString());

        await SettleOutboxAsync();
        var purchases = Bus.Received<PurchaseCredits>().Where(m => m.CustomerId == customer).ToList();
        Assert.Equal(2, purchases.Count);
        var small = Assert.Single(purchases, p => p.PurchaseId == expected);
        Assert.Equal((500L, 500L, "usd", stripeCustomer.Id, false), (small.Credits, small.Amount, small.Currency, small.StripeCustomerId, small.UseSavedCard));
        Assert.Single(purchases, p => p.PurchaseId == SagaKeys.ForPurchase(customer, "buy-2") && p.Credits == 3000);
        Assert.Equal(2, (await Rows.RequestsAsync(customer)).Count);
    }

    [Fact]
    public async Task A_customer_that_is_still_registering_cannot_buy_or_change_plan()
    {
        var customer = NewCustomer("registering");
        await using (var db = system.Accounts.NewDbContext())
        {
            db.Add(new Credits.Sagas.StateMachines.CustomerLifecycleState
            {
                CorrelationId = SagaKeys.ForCustomer(customer), CurrentState = "CreatingStripeCustomer", CustomerId = customer, PlanId = "hobby", Items = "[]",
                CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow,
            });
            await db.SaveChangesAsync();
        }
        using var client = system.Client();

        await ProblemAsync(await client.SendAsync(Post($"/v1/customers/{customer}/top-ups", new { packId = "small" }, "k")), HttpStatusCode.Conflict);
        await ProblemAsync(await client.SendAsync(Post($"/v1/customers/{customer}/plan", new { planId = "pro" })), HttpStatusCode.Conflict);
        var view = await client.GetFromJsonAsync<JsonElement>($"/v1/customers/{customer}");
        Assert.Equal("registering", view.GetProperty("state").GetString());
        var repeat = await client.PostAsJsonAsync("/v1/customers", new { customerId = customer });
        Assert.Equal(HttpStatusCode.Accepted, repeat.StatusCode);

        await SettleOutboxAsync();
        Assert.Equal(0, MessagesFor(customer));
        Assert.Empty(await Rows.RequestsAsync(customer));
    }

    [Fact]
    public async Task Auto_top_up_is_sent_to_the_saga_with_the_packs_terms()
    {
        var customer = NewCustomer("auto");
        await Rows.WriteActiveAsync(customer, "pro", "cus_" + customer);
        using var client = system.Client();

        var response = await client.PutAsJsonAsync($"/v1/customers/{customer}/auto-top-up", new { enabled = true, threshold = 100, packId = "large" });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var configured = await Eventually.Get(() => Task.FromResult(Bus.Received<ConfigureAutoTopUp>().Where(m => m.CustomerId == customer).ToList()),
            m => m.Count == 1, because: "ConfigureAutoTopUp is relayed");
        Assert.Equal((true, 100L, 3000L, 2500L, "cus_" + customer), (configured[0].Enabled, configured[0].Threshold, configured[0].Credits,
            configured[0].Amount, configured[0].StripeCustomerId));
    }
    [Fact]
    public async Task The_endpoints_need_an_api_key_and_are_documented_with_their_problem_responses()
    {
        using var anonymous = system.Client(apiKey: null);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync("/v1/customers", new { customerId = NewCustomer("anon") })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync($"/v1/operations/{Guid.NewGuid()}")).StatusCode);

        var paths = (await anonymous.GetFromJsonAsync<JsonElement>("/openapi/v1.json")).GetProperty("paths");
        string[] expected =
        [
            "post /v1/customers", "get /v1/customers/{customerId}", "post /v1/customers/{customerId}/plan",
            "get /v1/customers/{customerId}/operations", "get /v1/operations/{operationId}", "get /v1/operations",
            "post /v1/customers/{customerId}/top-ups", "put /v1/customers/{customerId}/auto-top-up", "get /v1/customers/{customerId}/auto-top-up",
            "put /v1/customers/{customerId}/spend-cap", "get /v1/customers/{customerId}/spend-cap", "delete /v1/customers/{customerId}/spend-cap",
        ];
        foreach (var endpoint in expected)
        {
            var (method, path) = (endpoint.Split(' ')[0], endpoint.Split(' ')[1]);
            var operation = paths.EnumerateObject().Single(p => p.Name.TrimEnd('/') == path).Value.GetProperty(method);
            Assert.False(string.IsNullOrEmpty(operation.GetProperty("summary").GetString()), endpoint);
            Assert.True(operation.GetProperty("responses").TryGetProperty("404", out var notFound) || method == "get" && path == "/v1/operations", endpoint);
        }
        var plan = paths.GetProperty("/v1/customers/{customerId}/plan").GetProperty("post").GetProperty("responses");
        Assert.True(plan.TryGetProperty("409", out _));
        Assert.True(plan.TryGetProperty("400", out _));
    }
}
