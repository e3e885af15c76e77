using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Credits.IntegrationTests.Customers;
using Credits.Persistence.Operations;
using Xunit;

namespace Credits.IntegrationTests.Hardening;

/// <summary>
/// Keys a caller chooses (an Idempotency-Key, a usage event id) are scoped to the customer they name (issue 12): two
/// customers whose ids and keys run together the same way ("a:b" with "c", "a" with "b:c") never share an operation,
/// a purchase, a reservation or a usage event, and a request repeated for another customer is never answered as the
/// first. The ids a client got before keys were encoded this way still name the same operation on a retry.
/// </summary>
public class CustomerScopedKeyTests(SystemUnderTest system) : IClassFixture<SystemUnderTest>
{
    CustomerRows Rows => new(system.Accounts);

    /// <summary>Two customer ids that, with the keys "c" and "b:c", spell the same "customer:key" text.</summary>
    static (string Long, string Short) CollidingCustomers(string prefix)
    {
        var root = $"{prefix}-{Guid.NewGuid():N}";
        return (root + ":b", root);
    }

    static HttpRequestMessage Post(string path, object body, string idempotencyKey)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", idempotencyKey);
        return request;
    }

    static async Task<JsonElement> BodyAsync(HttpResponseMessage response, params HttpStatusCode[] expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(expected.Contains(response.StatusCode), $"answered {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement;
    }

    [Fact]
    public async Task A_plan_change_with_a_colliding_customer_and_key_is_its_own_operation()
    {
        var (first, second) = CollidingCustomers("plan-collide");
        // Downgrades wait for the period end, so both stay in flight whatever the sagas do meanwhile.
        await Rows.WriteActiveAsync(first, "pro", "cus_" + Guid.NewGuid().ToString("N"));
        await Rows.WriteActiveAsync(second, "pro", "cus_" + Guid.NewGuid().ToString("N"));
        using var http = system.Client();

        var a = await BodyAsync(await http.SendAsync(Post($"/v1/customers/{first}/plan", new { planId = "hobby" }, "c")), HttpStatusCode.Accepted);
        var b = await BodyAsync(await http.SendAsync(Post($"/v1/customers/{second}/plan", new { planId = "hobby" }, "b:c")), HttpStatusCode.Accepted);

        Assert.False(b.GetProperty("repeated").GetBoolean());
        Assert.NotEqual(a.GetProperty("operationId").GetGuid(), b.GetProperty("operationId").GetGuid());
        var stored = Assert.Single(await Rows.RequestsAsync(second));
        Assert.Equal(b.GetProperty("operationId").GetGuid(), stored.OperationId);
        Assert.Equal("b:c", stored.IdempotencyKey);
        var view = await http.GetFromJsonAsync<JsonElement>($"/v1/operations/{b.GetProperty("operationId").GetGuid()}");
        Assert.Equal(second, view.GetProperty("customerId").GetString());

        // Each customer's own retry is still the same operation.
        var retried = await BodyAsync(await http.SendAsync(Post($"/v1/customers/{second}/plan", new { planId = "hobby" }, "b:c")), HttpStatusCode.Accepted);
        Assert.True(retried.GetProperty("repeated").GetBoolean());
        Assert.Equal(b.GetProperty("operationId").GetGuid(), retried.GetProperty("operationId").GetGuid());
    }

    [Fact]
    public async Task A_purchase_with_a_colliding_customer_and_key_is_its_own_purchase()
    {
        var (first, second) = CollidingCustomers("buy-collide");
        await Rows.WriteActiveAsync(first, "pro", "cus_" + Guid.NewGuid().ToString("N"));
        await Rows.WriteActiveAsync(second, "pro", "cus_" + Guid.NewGuid().ToString("N"));
        using var http = system.Client();

        var a = await BodyAsync(await http.SendAsync(Post($"/v1/customers/{first}/top-ups", new { packId = "small" }, "c")),
            HttpStatusCode.Created, HttpStatusCode.Accepted);
        var b = await BodyAsync(await http.SendAsync(Post($"/v1/customers/{second}/top-ups", new { packId = "small" }, "b:c")),
            HttpStatusCode.Created, HttpStatusCode.Accepted);

        Assert.False(b.GetProperty("repeated").GetBoolean());
        Assert.NotEqual(a.GetProperty("purchaseId").GetGuid(), b.GetProperty("purchaseId").GetGuid());
        var stored = Assert.Single(await Rows.RequestsAsync(second));
        Assert.Equal((b.GetProperty("purchaseId").GetGuid(), OperationKinds.TopUp), (stored.OperationId, stored.Kind));
        Assert.Single(await Rows.RequestsAsync(first));
    }

    [Fact]
    public async Task A_reservation_with_a_colliding_customer_and_key_is_its_own_hold()
    {
        var (first, second) = CollidingCustomers("hold-collide");
        await system.Accounts.OpenAsync(first, "pro");
        await system.Accounts.OpenAsync(second, "pro");
        var before = await system.Accounts.AvailableAsync(second);
        using var http = system.Client();

        var a = await BodyAsync(await http.SendAsync(Post($"/v1/customers/{first}/reservations", new { credits = 10 }, "c")), HttpStatusCode.Created);
        var b = await BodyAsync(await http.SendAsync(Post($"/v1/customers/{second}/reservations", new { credits = 7 }, "b:c")), HttpStatusCode.Created);

        Assert.Equal("applied", b.GetProperty("outcome").GetString());
        Assert.NotEqual(a.GetProperty("reservationId").GetGuid(), b.GetProperty("reservationId").GetGuid());
        Assert.Equal(7, b.GetProperty("held").GetInt64());
        Assert.Equal(before - 7, await system.Accounts.AvailableAsync(second));
    }

    [Fact]
    public async Task A_usage_event_id_another_customer_used_is_debited_from_this_customer()
    {
        var a = $"usage-a-{Guid.NewGuid():N}";
        var b = $"usage-b-{Guid.NewGuid():N}";
        await system.Accounts.OpenAsync(a, "pro");
        await system.Accounts.OpenAsync(b, "pro");
        var (beforeA, beforeB) = (await system.Accounts.AvailableAsync(a), await system.Accounts.AvailableAsync(b));
        var eventId = $"evt-{Guid.NewGuid():N}";
        using var http = system.Client();

        var first = await BodyAsync(await http.PostAsJsonAsync("/v1/usage", new { events = new[] { new { eventId, customerId = a, credits = 5 } } }),
            HttpStatusCode.OK);
        var second = await BodyAsync(await http.PostAsJsonAsync("/v1/usage", new { events = new[] { new { eventId, customerId = b, credits = 7 } } }),
            HttpStatusCode.OK);
        // B's own retry is a duplicate of B's event, not a second debit.
        var retry = await BodyAsync(await http.PostAsJsonAsync("/v1/usage", new { events = new[] { new { eventId, customerId = b, credits = 7 } } }),
            HttpStatusCode.OK);

        Assert.Equal("applied", first.GetProperty("results")[0].GetProperty("status").GetString());
        var result = second.GetProperty("results")[0];
        Assert.True(result.GetProperty("status").GetString() == "applied", $"the second customer's event: {result}");
        Assert.Equal("duplicate", retry.GetProperty("results")[0].GetProperty("status").GetString());
        Assert.Equal(beforeA - 5, await system.Accounts.AvailableAsync(a));
        Assert.Equal(beforeB - 7, await system.Accounts.AvailableAsync(b));
        var (column, sum) = await system.Accounts.BooksAsync(b);
        Assert.Equal(column, sum);
    }

    // Retries across the upgrade: what was stored under the former encoding, by the same customer, is repeated.

    async Task WriteFormerRequestAsync(Guid operationId, string kind, string customerId, string key, string requestJson)
    {
        await using var db = system.Accounts.NewDbContext();
        db.Add(new OperationRequest
        {
            OperationId = operationId, Kind = kind, CustomerId = customerId, IdempotencyKey = key,
            RequestedAt = DateTimeOffset.UtcNow.AddMinutes(-1), Request = requestJson,
        });
        await db.SaveChangesAsync();
    }

    [Fact]
    public async Task A_plan_change_accepted_under_the_former_id_is_repeated_for_its_customer_only()
    {
        var (first, second) = CollidingCustomers("plan-former");
        await Rows.WriteActiveAsync(first, "pro", "cus_" + Guid.NewGuid().ToString("N"));
        await Rows.WriteActiveAsync(second, "pro", "cus_" + Guid.NewGuid().ToString("N"));
        var former = Credits.Sagas.SagaKeys.Former.ForPlanChange(first, "c");
        await WriteFormerRequestAsync(former, OperationKinds.PlanChange, first, "c", """{"planId":"hobby"}""");
        using var http = system.Client();

        var retried = await BodyAsync(await http.SendAsync(Post($"/v1/customers/{first}/plan", new { planId = "hobby" }, "c")), HttpStatusCode.Accepted);
        // The other customer's request whose former id was the same is its own operation.
        var other = await BodyAsync(await http.SendAsync(Post($"/v1/customers/{second}/plan", new { planId = "hobby" }, "b:c")), HttpStatusCode.Accepted);

        Assert.True(retried.GetProperty("repeated").GetBoolean());
        Assert.Equal(former, retried.GetProperty("operationId").GetGuid());
        Assert.Single(await Rows.RequestsAsync(first));
        Assert.False(other.GetProperty("repeated").GetBoolean());
        Assert.NotEqual(former, other.GetProperty("operationId").GetGuid());
    }

    [Fact]
    public async Task A_purchase_accepted_under_the_former_id_is_repeated_for_its_customer_only()
    {
        var (first, second) = CollidingCustomers("buy-former");
        await Rows.WriteActiveAsync(first, "pro", "cus_" + Guid.NewGuid().ToString("N"));
        await Rows.WriteActiveAsync(second, "pro", "cus_" + Guid.NewGuid().ToString("N"));
        var former = Credits.Sagas.SagaKeys.Former.ForPurchase(first, "c");
        await WriteFormerRequestAsync(former, OperationKinds.TopUp, first, "c",
            """{"packId":"small","credits":1,"amount":1,"currency":"usd","useSavedCard":false}""");
        using var http = system.Client();

        var retried = await BodyAsync(await http.SendAsync(Post($"/v1/customers/{first}/top-ups", new { packId = "small" }, "c")),
            HttpStatusCode.Created, HttpStatusCode.Accepted);
        var other = await BodyAsync(await http.SendAsync(Post($"/v1/customers/{second}/top-ups", new { packId = "small" }, "b:c")),
            HttpStatusCode.Created, HttpStatusCode.Accepted);

        Assert.True(retried.GetProperty("repeated").GetBoolean());
        Assert.Equal(former, retried.GetProperty("purchaseId").GetGuid());
        Assert.Single(await Rows.RequestsAsync(first));
        Assert.False(other.GetProperty("repeated").GetBoolean());
        Assert.NotEqual(former, other.GetProperty("purchaseId").GetGuid());
    }

    [Fact]
    public async Task Usage_and_a_reservation_recorded_under_the_former_keys_stay_duplicates_for_their_customer()
    {
        var (first, second) = CollidingCustomers("ledger-former");
        await system.Accounts.OpenAsync(first, "pro");
        await system.Accounts.OpenAsync(second, "pro");
        var eventId = $"evt-{Guid.NewGuid():N}";
        // As the ledger wrote them before keys were scoped to the customer.
        var usage = await system.Accounts.ApplyAsync(new Credits.Ledger.Commands.DebitCredits
        {
            CustomerId = first, IdempotencyKey = "usage:" + eventId, Credits = 5,
        });
        var hold = await system.Accounts.ApplyAsync(new Credits.Ledger.Commands.ReserveCredits
        {
            CustomerId = first, IdempotencyKey = $"reserve:{first}:c", Credits = 10, TimeToLive = TimeSpan.FromSeconds(300),
        });
        Assert.True(usage.Succeeded && hold.Succeeded);
        var (beforeFirst, beforeSecond) = (await system.Accounts.AvailableAsync(first), await system.Accounts.AvailableAsync(second));
        using var http = system.Client();

        var retriedUsage = await BodyAsync(await http.PostAsJsonAsync("/v1/usage",
            new { events = new[] { new { eventId, customerId = first, credits = 5 } } }), HttpStatusCode.OK);
        var retriedHold = await BodyAsync(await http.SendAsync(Post($"/v1/customers/{first}/reservations", new { credits = 10 }, "c")),
            HttpStatusCode.OK);
        var otherUsage = await BodyAsync(await http.PostAsJsonAsync("/v1/usage",
            new { events = new[] { new { eventId, customerId = second, credits = 5 } } }), HttpStatusCode.OK);
        // "reserve:{first}:c" is also what the second customer with key "b:c" spelled: it is another hold.
        var otherHold = await BodyAsync(await http.SendAsync(Post($"/v1/customers/{second}/reservations", new { credits = 10 }, "b:c")),
            HttpStatusCode.Created);

        Assert.Equal("duplicate", retriedUsage.GetProperty("results")[0].GetProperty("status").GetString());
        Assert.Equal(("duplicate", hold.ReservationId), (retriedHold.GetProperty("outcome").GetString(), retriedHold.GetProperty("reservationId").GetGuid()));
        Assert.Equal(beforeFirst, await system.Accounts.AvailableAsync(first));
        Assert.Equal("applied", otherUsage.GetProperty("results")[0].GetProperty("status").GetString());
        Assert.NotEqual(hold.ReservationId, otherHold.GetProperty("reservationId").GetGuid());
        Assert.Equal(beforeSecond - 15, await system.Accounts.AvailableAsync(second));
        foreach (var customer in new[] { first, second })
        {
            var (column, sum) = await system.Accounts.BooksAsync(customer);
            Assert.Equal(column, sum);
        }
    }
}
