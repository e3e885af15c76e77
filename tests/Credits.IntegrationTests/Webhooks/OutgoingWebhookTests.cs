using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Credits.Testing;
using Xunit;

namespace Credits.IntegrationTests.Webhooks;

/// <summary>The system for webhook tests: http receivers allowed, the worker polling often and backing off in seconds.</summary>
public sealed class WebhookSystem : SystemUnderTest, IAsyncLifetime
{
    public WebhookReceiver Receiver { get; } = new();

    protected override void Configure(Dictionary<string, string> environment) => environment.WithQuickWebhooks();

    // Re-implements IAsyncLifetime so xunit starts the receiver first and stops it last.
    async Task IAsyncLifetime.InitializeAsync()
    {
        await Receiver.StartAsync();
        await base.InitializeAsync();
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await base.DisposeAsync();
        await Receiver.DisposeAsync();
    }
}

/// <summary>
/// Outgoing webhooks on the real system (docs/webhooks.md): usage over HTTP crosses a plan's thresholds, the events go
/// through the bus to the Orchestrator's dispatch, and its worker posts them, signed, to a real HTTP receiver.
/// Endpoints are global, so each test has its own path and looks only at its own customers' events.
/// </summary>
public class OutgoingWebhookTests(WebhookSystem system) : IClassFixture<WebhookSystem>
{
    static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    WebhookReceiver Receiver => system.Receiver;

    sealed record Registered(Guid Id, string Secret, string Path);

    async Task<Registered> RegisterAsync(params string[] eventTypes)
    {
        var path = "hook-" + Guid.NewGuid().ToString("N");
        using var client = system.Client();
        var response = await client.PostAsJsonAsync("/v1/webhook-endpoints", new { url = Receiver.UrlFor(path), eventTypes });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return new Registered(body.GetProperty("endpoint").GetProperty("id").GetGuid(), body.GetProperty("secret").GetString()!, path);
    }

    async Task UseAsync(string customer, long credits)
    {
        using var client = system.Client();
        var response = await client.PostAsJsonAsync("/v1/usage",
            new { events = new[] { new { eventId = $"{customer}-{Guid.NewGuid():N}", customerId = customer, credits } } });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    async Task<List<JsonElement>> DeliveriesAsync(Guid endpointId)
    {
        using var client = system.Client();
        return await client.GetFromJsonAsync<List<JsonElement>>($"/v1/webhook-endpoints/{endpointId}/deliveries?limit=200") ?? [];
    }

    Task<List<WebhookReceiver.Received>> ArrivedAsync(string path, string customer, Func<List<WebhookReceiver.Received>, bool> until) =>
        Eventually.Get(() => Task.FromResult(Receiver.At(path).Where(r => r.AnsweredWith == 200 && r.CustomerId == customer).ToList()),
            until, Wait, $"webhooks for {customer} at {path}");

    static async Task<string> NewCustomerAsync(WebhookSystem system, string prefix)
    {
        var customer = prefix + "-" + Guid.NewGuid().ToString("N");
        await system.Accounts.OpenAsync(customer, "hobby"); // 200 credits, low at 50 and 20, no overage
        return customer;
    }

    [Fact]
    public async Task Low_balance_and_exhaustion_reach_the_receiver_signed_with_the_secret()
    {
        var endpoint = await RegisterAsync("credits.low", "credits.exhausted");
        var customer = await NewCustomerAsync(system, "hook-low");

        await UseAsync(customer, 160); // 40 left: below 50
        await UseAsync(customer, 40);  // 0 left: below 20, and exhausted

        var arrived = await ArrivedAsync(endpoint.Path, customer, r => r.Count >= 3);
        Assert.Equal(["credits.exhausted", "credits.low", "credits.low"], arrived.Select(r => r.EventType).Order().ToArray());
        Assert.Equal([20L, 50L], arrived.Where(r => r.EventType == "credits.low")
            .Select(r => r.Json.GetProperty("data").GetProperty("threshold").GetInt64()).Order().ToArray());
        foreach (var r in arrived)
        {
            Assert.True(WebhookReceiver.Verifies(r.Signature, r.Body, endpoint.Secret), $"signature {r.Signature} does not verify");
            Assert.False(WebhookReceiver.Verifies(r.Signature, r.Body + " ", endpoint.Secret));
            Assert.False(WebhookReceiver.Verifies(r.Signature, r.Body, "whsec_someone_else"));
            Assert.StartsWith("evt_", r.EventId);
            Assert.Equal(r.EventId, r.Json.GetProperty("id").GetString());
            Assert.Equal(r.EventType, r.Json.GetProperty("type").GetString());
            Assert.Equal("2026-12-01", r.Json.GetProperty("apiVersion").GetString());
        }
        Assert.Equal(3, arrived.Select(r => r.EventId).Distinct().Count());
    }

    [Fact]
    public async Task A_receiver_that_was_down_gets_every_event_afterwards()
    {
        var endpoint = await RegisterAsync("credits.low", "credits.exhausted");
        var customer = await NewCustomerAsync(system, "hook-down");

        await Receiver.StopAsync();
        try
        {
            await UseAsync(customer, 160);
            await UseAsync(customer, 40);
            // Every delivery tried and failed at least once while the receiver was away.
            await Eventually.True(async () =>
            {
                var deliveries = await DeliveriesAsync(endpoint.Id);
                return deliveries.Count == 3 && deliveries.All(d => d.GetProperty("attempts").GetInt32() >= 1 && d.GetProperty("status").GetString() == "pending");
            }, Wait, "three deliveries failing while the receiver is down");
        }
        finally
        {
            await Receiver.StartAsync();
        }

        var arrived = await ArrivedAsync(endpoint.Path, customer, r => r.Count >= 3);
        Assert.Equal(3, arrived.Select(r => r.EventId).Distinct().Count());
        var delivered = await Eventually.Get(() => DeliveriesAsync(endpoint.Id), d => d.All(x => x.GetProperty("status").GetString() == "delivered"), Wait);
        Assert.All(delivered, d => Assert.True(d.GetProperty("attempts").GetInt32() >= 2));
        Assert.Equal(arrived.Select(r => r.EventId).Order(), delivered.Select(d => d.GetProperty("eventId").GetString()!).Order());
    }

    [Fact]
    public async Task A_receiver_that_hangs_holds_up_no_usage()
    {
        var endpoint = await RegisterAsync("credits.low", "credits.exhausted");
        var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Receiver.Hold[endpoint.Path] = held;
        var customers = new List<string>();
        try
        {
            // Ten customers crossing 50, 20 and zero: more deliveries than the worker posts at once (8), all hanging.
            for (var i = 0; i < 10; i++)
            {
                customers.Add(await NewCustomerAsync(system, "hook-hang"));
                await UseAsync(customers[^1], 160);
                await UseAsync(customers[^1], 40);
            }
            await Eventually.True(async () => (await DeliveriesAsync(endpoint.Id)).Count(d => d.GetProperty("attempts").GetInt32() >= 1) >= 8,
                Wait, "the worker's posts hanging on the receiver (they time out and are retried)");

            // With every post hanging, usage still goes in at once: ten more customers, each answered and debited.
            for (var i = 0; i < 10; i++)
            {
                customers.Add(await NewCustomerAsync(system, "hook-hang"));
                await UseAsync(customers[^1], 200);
            }
            foreach (var customer in customers) Assert.Equal(0, await system.Accounts.AvailableAsync(customer));
            Assert.DoesNotContain(await DeliveriesAsync(endpoint.Id), d => d.GetProperty("status").GetString() == "delivered");
        }
        finally
        {
            held.TrySetResult();
            Receiver.Hold.TryRemove(endpoint.Path, out _);
        }

        // Once it answers again, every customer's events arrive.
        await Eventually.True(() => Task.FromResult(customers.All(c => Receiver.At(endpoint.Path).Any(r => r.AnsweredWith == 200 && r.CustomerId == c))),
            TimeSpan.FromSeconds(60), "every customer's events after the receiver answers again");
    }

    [Fact]
    public async Task A_retry_and_a_replay_carry_the_same_event_id()
    {
        var endpoint = await RegisterAsync("credits.low");
        var customer = await NewCustomerAsync(system, "hook-retry");
        Receiver.AnswerWith[endpoint.Path] = 500;

        await UseAsync(customer, 160);
        var failed = await Eventually.Get(() => Task.FromResult(Receiver.At(endpoint.Path).Where(r => r.CustomerId == customer).ToList()),
            r => r.Count >= 2, Wait, "two failed attempts");
        Receiver.AnswerWith[endpoint.Path] = 200;
        var first = (await ArrivedAsync(endpoint.Path, customer, r => r.Count >= 1)).Single();
        Assert.All(failed, f => Assert.Equal(first.EventId, f.EventId));
        Assert.All(failed, f => Assert.Equal(first.Body, f.Body));

        var delivery = await Eventually.Get(
            async () => (await DeliveriesAsync(endpoint.Id)).Single(d => d.GetProperty("eventId").GetString() == first.EventId),
            d => d.GetProperty("status").GetString() == "delivered", Wait);
        Assert.True(delivery.GetProperty("attempts").GetInt32() >= 3);
        using var client = system.Client();
        var replay = await client.PostAsync($"/v1/webhook-deliveries/{delivery.GetProperty("id").GetGuid()}/replay", null);
        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);

        var both = await ArrivedAsync(endpoint.Path, customer, r => r.Count >= 2);
        Assert.All(both, r => Assert.Equal(first.EventId, r.EventId));
        Assert.All(both, r => Assert.True(WebhookReceiver.Verifies(r.Signature, r.Body, endpoint.Secret)));
    }

    [Fact]
    public async Task Operators_list_deliveries_on_the_console_and_replay_one_with_the_same_event_id()
    {
        var endpoint = await RegisterAsync("credits.low");
        var customer = await NewCustomerAsync(system, "hook-console");
        await UseAsync(customer, 160);
        var first = (await ArrivedAsync(endpoint.Path, customer, r => r.Count >= 1)).Single();

        using var console = system.Client(); // the harness's key holds the operator scope
        var listed = await Eventually.Get(
            async () => (await console.GetFromJsonAsync<List<JsonElement>>("/console/api/webhook-deliveries?status=delivered&limit=200"))!
                .Where(d => d.GetProperty("eventId").GetString() == first.EventId && d.GetProperty("endpointId").GetGuid() == endpoint.Id).ToList(),
            d => d.Count == 1, Wait);
        var deliveryId = listed[0].GetProperty("id").GetGuid();
        // An operator says who and why, as for every console action; without a reason nothing is replayed.
        var unexplained = await console.PostAsJsonAsync($"/console/api/webhook-deliveries/{deliveryId}/replay", new { @operator = "dana" });
        Assert.Equal(HttpStatusCode.BadRequest, unexplained.StatusCode);
        Assert.Equal("application/problem+json", unexplained.Content.Headers.ContentType?.MediaType);
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Single(await ArrivedAsync(endpoint.Path, customer, r => r.Count >= 1));

        var replay = await console.PostAsJsonAsync($"/console/api/webhook-deliveries/{deliveryId}/replay",
            new { @operator = "dana", reason = "the app lost its copy" });
        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);

        var both = await ArrivedAsync(endpoint.Path, customer, r => r.Count >= 2);
        Assert.All(both, r => Assert.Equal(first.EventId, r.EventId));
        var logged = (await console.GetFromJsonAsync<List<JsonElement>>($"/console/api/operator-actions?customerId={customer}"))!;
        var entry = Assert.Single(logged, a => a.GetProperty("action").GetString() == "replay-webhook-delivery");
        Assert.Equal($"webhook-delivery/{deliveryId}", entry.GetProperty("subject").GetString());
        Assert.Equal("the app lost its copy", entry.GetProperty("reason").GetString());
        Assert.StartsWith("dana via ", entry.GetProperty("actor").GetString());
    }

    [Fact]
    public async Task Spend_cap_alerts_and_the_cap_reached_reach_the_receiver_once_each()
    {
        var endpoint = await RegisterAsync("spend_cap.alert", "spend_cap.reached");
        var customer = "hook-cap-" + Guid.NewGuid().ToString("N");
        await system.Accounts.OpenAsync(customer, "pro"); // 5000 credits, then overage
        using var client = system.Client();
        Assert.Equal(HttpStatusCode.OK, (await client.PutAsJsonAsync($"/v1/customers/{customer}/spend-cap", new { credits = 100 })).StatusCode);

        await UseAsync(customer, 5060); // 60 of overage: past 50 %
        await UseAsync(customer, 70);   // the cap: 80 % and 100 %, and reached

        var arrived = await ArrivedAsync(endpoint.Path, customer, r => r.Count >= 4);
        await Task.Delay(TimeSpan.FromSeconds(2)); // anything twice would have arrived by now
        arrived = Receiver.At(endpoint.Path).Where(r => r.CustomerId == customer && r.AnsweredWith == 200).ToList();
        Assert.Equal([50L, 80L, 100L], arrived.Where(r => r.EventType == "spend_cap.alert")
            .Select(r => r.Json.GetProperty("data").GetProperty("percent").GetInt64()).Order().ToArray());
        var reached = Assert.Single(arrived, r => r.EventType == "spend_cap.reached").Json.GetProperty("data");
        Assert.Equal((100L, 100L), (reached.GetProperty("overageCap").GetInt64(), reached.GetProperty("overageThisPeriod").GetInt64()));
        Assert.True(reached.GetProperty("periodEnd").GetDateTimeOffset() > reached.GetProperty("periodStart").GetDateTimeOffset());
        Assert.All(arrived, r => Assert.True(WebhookReceiver.Verifies(r.Signature, r.Body, endpoint.Secret)));
    }

    [Fact]
    public async Task A_disabled_endpoint_gets_nothing()
    {
        var enabled = await RegisterAsync("credits.low");
        var disabled = await RegisterAsync("credits.low");
        using var client = system.Client();
        var disable = await client.PostAsync($"/v1/webhook-endpoints/{disabled.Id}/disable", null);
        Assert.Equal(HttpStatusCode.OK, disable.StatusCode);
        Assert.False((await disable.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("enabled").GetBoolean());
        var customer = await NewCustomerAsync(system, "hook-disabled");

        await UseAsync(customer, 160);

        // Deliveries for all endpoints commit together, so once the enabled one has its event the disabled one would have a row.
        await ArrivedAsync(enabled.Path, customer, r => r.Count >= 1);
        Assert.Empty(await DeliveriesAsync(disabled.Id));
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Empty(Receiver.At(disabled.Path));
    }

    [Fact]
    public async Task A_deleted_endpoint_is_gone_with_its_deliveries_and_gets_nothing_more()
    {
        var kept = await RegisterAsync("credits.low");
        var deleted = await RegisterAsync("credits.low");
        var customer = await NewCustomerAsync(system, "hook-deleted");
        await UseAsync(customer, 160); // below 50: one event to each endpoint
        await ArrivedAsync(deleted.Path, customer, r => r.Count >= 1);
        Assert.Single(await DeliveriesAsync(deleted.Id));

        using var client = system.Client();
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/v1/webhook-endpoints/{deleted.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.DeleteAsync($"/v1/webhook-endpoints/{deleted.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/v1/webhook-endpoints/{deleted.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/v1/webhook-endpoints/{deleted.Id}/deliveries")).StatusCode);
        Assert.Equal(0, await system.Infrastructure.Database.ScalarAsync<long>(
            $"SELECT count(*) FROM webhook_deliveries WHERE endpoint_id = '{deleted.Id}'"));

        await UseAsync(customer, 20); // below 20: the kept endpoint hears of it, the deleted one nothing
        await ArrivedAsync(kept.Path, customer, r => r.Count >= 2);
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Single(Receiver.At(deleted.Path));
    }

    [Fact]
    public async Task During_a_rotation_both_the_new_and_the_old_secret_verify()
    {
        var endpoint = await RegisterAsync("credits.low");
        using var client = system.Client();
        var rotate = await client.PostAsync($"/v1/webhook-endpoints/{endpoint.Id}/rotate-secret", null);
        Assert.Equal(HttpStatusCode.OK, rotate.StatusCode);
        var rotated = await rotate.Content.ReadFromJsonAsync<JsonElement>();
        var newSecret = rotated.GetProperty("secret").GetString()!;
        Assert.NotEqual(endpoint.Secret, newSecret);
        Assert.True(rotated.GetProperty("endpoint").GetProperty("previousSecretExpiresAt").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddHours(23));
        var customer = await NewCustomerAsync(system, "hook-rotate");

        await UseAsync(customer, 160);

        var arrived = (await ArrivedAsync(endpoint.Path, customer, r => r.Count >= 1)).Single();
        Assert.True(WebhookReceiver.Verifies(arrived.Signature, arrived.Body, newSecret));
        Assert.True(WebhookReceiver.Verifies(arrived.Signature, arrived.Body, endpoint.Secret));
        Assert.Equal(2, arrived.Signature.Split(',').Count(p => p.StartsWith("v1=")));
    }

    [Fact]
    public async Task Secrets_are_shown_once_and_never_by_a_GET()
    {
        var endpoint = await RegisterAsync("purchase.completed", "audit.difference");
        using var client = system.Client();

        var one = await client.GetStringAsync($"/v1/webhook-endpoints/{endpoint.Id}");
        var all = await client.GetStringAsync("/v1/webhook-endpoints");

        Assert.DoesNotContain(endpoint.Secret, one);
        Assert.DoesNotContain(endpoint.Secret, all);
        Assert.DoesNotContain("secret\"", one);
        Assert.Contains(endpoint.Id.ToString(), all);
    }

    [Theory]
    [InlineData("""{"url":"ftp://example.test/hook","eventTypes":["credits.low"]}""", "url")]
    [InlineData("""{"url":"/relative","eventTypes":["credits.low"]}""", "url")]
    [InlineData("""{"eventTypes":["credits.low"]}""", "url")]
    [InlineData("""{"url":"https://example.test/hook","eventTypes":[]}""", "eventTypes")]
    [InlineData("""{"url":"https://example.test/hook","eventTypes":["credits.gone"]}""", "eventTypes")]
    [InlineData("""{"url":"https://example.test/hook"}""", "eventTypes")]
    public async Task A_bad_endpoint_is_refused_naming_the_field(string json, string field)
    {
        using var client = system.Client();
        var response = await client.PostAsync("/v1/webhook-endpoints", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task Unknown_endpoints_and_deliveries_are_404()
    {
        using var client = system.Client();
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync($"/v1/webhook-endpoints/{Guid.NewGuid()}/disable", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/v1/webhook-endpoints/{Guid.NewGuid()}/deliveries")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync($"/v1/webhook-deliveries/{Guid.NewGuid()}/replay", null)).StatusCode);
    }
}
