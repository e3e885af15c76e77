using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Credits.Contracts.Ledger;
using Credits.Contracts.Usage;
using Credits.Testing;
using Microsoft.EntityFrameworkCore;
using Xunit;

namespace Credits.IntegrationTests;

/// <summary>
/// Spend caps over HTTP on the real Gateway, PostgreSQL and RabbitMQ (docs/spend-caps.md): PUT/GET/DELETE
/// /v1/customers/{id}/spend-cap, usage stopping at the cap at once, and SpendCapReached published once.
/// </summary>
public class SpendCapTests(SystemUnderTest system) : IClassFixture<SystemUnderTest>, IAsyncLifetime
{
    TestBus? _bus;
    TestBus Bus => _bus!;

    public async Task InitializeAsync() =>
        _bus = await TestBus.StartAsync(system.Infrastructure.VirtualHost.Uri, typeof(SpendCapReached), typeof(SpendCapAlert));

    public async Task DisposeAsync() { if (_bus is not null) await _bus.DisposeAsync(); }

    static string NewCustomer(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    static async Task<JsonElement> OkAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement;
    }

    static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(text).RootElement;
    }

    async Task UseAsync(string customer, long credits)
    {
        using var client = system.Client();
        var response = await client.PostAsJsonAsync("/v1/usage",
            new { events = new[] { new { eventId = $"use-{Guid.NewGuid():N}", customerId = customer, credits } } });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_cap_is_set_in_credits_or_money_read_back_and_removed()
    {
        var customer = NewCustomer("cap-crud");
        await system.Accounts.OpenAsync(customer, "pro");              // overage at 0.5 cents a credit
        using var client = system.Client();

        var none = await OkAsync(await client.GetAsync($"/v1/customers/{customer}/spend-cap"));
        Assert.Equal(JsonValueKind.Null, none.GetProperty("credits").ValueKind);

        var inCredits = await OkAsync(await client.PutAsJsonAsync($"/v1/customers/{customer}/spend-cap", new { credits = 300 }));
        Assert.Equal(300, inCredits.GetProperty("credits").GetInt64());
        Assert.Equal(150m, inCredits.GetProperty("amount").GetDecimal());
        Assert.Equal("usd", inCredits.GetProperty("currency").GetString());

        var inMoney = await OkAsync(await client.PutAsJsonAsync($"/v1/customers/{customer}/spend-cap", new { amount = 1000, currency = "USD" }));
        Assert.Equal(2000, inMoney.GetProperty("credits").GetInt64());   // $10.00 at $0.005 a credit
        Assert.Equal(1000m, inMoney.GetProperty("amount").GetDecimal());
        var read = await OkAsync(await client.GetAsync($"/v1/customers/{customer}/spend-cap"));
        Assert.Equal((2000L, 2000L, false), (read.GetProperty("credits").GetInt64(), read.GetProperty("overageRemaining").GetInt64(),
            read.GetProperty("reached").GetBoolean()));

        var removed = await OkAsync(await client.DeleteAsync($"/v1/customers/{customer}/spend-cap"));
        Assert.Equal(JsonValueKind.Null, removed.GetProperty("credits").ValueKind);
        Assert.Equal(JsonValueKind.Null, (await OkAsync(await client.GetAsync($"/v1/customers/{customer}/spend-cap"))).GetProperty("credits").ValueKind);
    }

    [Fact]
    public async Task Bad_input_gets_a_400_naming_the_field_and_an_unknown_customer_a_404()
    {
        var customer = NewCustomer("cap-bad");
        var hobby = NewCustomer("cap-hobby");
        await system.Accounts.OpenAsync(customer, "pro");
        await system.Accounts.OpenAsync(hobby, "hobby");
        using var client = system.Client();
        async Task AssertFieldAsync(string who, string body, string field)
        {
            var response = await client.PutAsync($"/v1/customers/{who}/spend-cap", new StringContent(body, Encoding.UTF8, "application/json"));
            var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"{body}: {problem}");
        }

        await AssertFieldAsync(customer, """{"credits":-1}""", "credits");
        await AssertFieldAsync(customer, """{"credits":9223372036854775807}""", "credits");
        await AssertFieldAsync(customer, """{}""", "credits");
        await AssertFieldAsync(customer, """{"credits":10,"amount":100,"currency":"usd"}""", "credits");
        await AssertFieldAsync(customer, """{"amount":-5,"currency":"usd"}""", "amount");
        await AssertFieldAsync(customer, """{"amount":9223372036854775807,"currency":"usd"}""", "amount");
        await AssertFieldAsync(customer, """{"amount":100}""", "currency");
        await AssertFieldAsync(customer, """{"amount":100,"currency":"eur"}""", "currency");
        await AssertFieldAsync(hobby, """{"amount":100,"currency":"usd"}""", "amount");
        await ProblemAsync(await client.PutAsync($"/v1/customers/{customer}/spend-cap",
            new StringContent("not json", Encoding.UTF8, "application/json")), HttpStatusCode.BadRequest);
        await ProblemAsync(await client.PutAsync($"/v1/customers/{customer}/spend-cap",
            new StringContent("""{"credits":1.5}""", Encoding.UTF8, "application/json")), HttpStatusCode.BadRequest);

        var nobody = NewCustomer("cap-nobody");
        await ProblemAsync(await client.PutAsJsonAsync($"/v1/customers/{nobody}/spend-cap", new { credits = 5 }), HttpStatusCode.NotFound);
        await ProblemAsync(await client.GetAsync($"/v1/customers/{nobody}/spend-cap"), HttpStatusCode.NotFound);
        await ProblemAsync(await client.DeleteAsync($"/v1/customers/{nobody}/spend-cap"), HttpStatusCode.NotFound);
        // Nothing was set by the refusals.
        Assert.Equal(JsonValueKind.Null, (await OkAsync(await client.GetAsync($"/v1/customers/{customer}/spend-cap"))).GetProperty("credits").ValueKind);
    }

    [Fact]
    public async Task Usage_stops_at_the_cap_at_once_SpendCapReached_is_published_once_and_raising_resumes()
    {
        var customer = NewCustomer("cap-usage");
        await system.Accounts.OpenAsync(customer, "pro");              // 5000 credits
        using var client = system.Client();
        await OkAsync(await client.PutAsJsonAsync($"/v1/customers/{customer}/spend-cap", new { credits = 100 }));

        await UseAsync(customer, 5060);                                // 60 of overage
        var entitled = await client.GetFromJsonAsync<JsonElement>($"/v1/customers/{customer}/entitlement?credits=41");
        Assert.False(entitled.GetProperty("allowed").GetBoolean());
        await UseAsync(customer, 70);                                  // 40 more reach the cap, 30 written off
        await UseAsync(customer, 10);                                  // written off

        var balance = await client.GetFromJsonAsync<JsonElement>($"/v1/customers/{customer}/balance");
        Assert.Equal(100, balance.GetProperty("overageThisPeriod").GetInt64());
        Assert.False(balance.GetProperty("overageAllowed").GetBoolean());
        var refused = await client.GetFromJsonAsync<JsonElement>($"/v1/customers/{customer}/entitlement?credits=1");
        Assert.False(refused.GetProperty("allowed").GetBoolean());
        Assert.Contains("spend cap", refused.GetProperty("reason").GetString());
        Assert.True((await OkAsync(await client.GetAsync($"/v1/customers/{customer}/spend-cap"))).GetProperty("reached").GetBoolean());

        await Eventually.True(() => Task.FromResult(Bus.Received<SpendCapReached>().Any(e => e.CustomerId == customer)
            && Bus.Received<SpendCapAlert>().Count(e => e.CustomerId == customer) >= 3), TimeSpan.FromSeconds(30));
        await Task.Delay(2000);                                        // anything twice would have arrived by now
        var reached = Assert.Single(Bus.Received<SpendCapReached>(), e => e.CustomerId == customer);
        Assert.Equal((100L, 100L), (reached.OverageCap, reached.OverageThisPeriod));
        Assert.Equal([50, 80, 100], Bus.Received<SpendCapAlert>().Where(e => e.CustomerId == customer).Select(e => e.Percent).Order());

        var raised = await OkAsync(await client.PutAsJsonAsync($"/v1/customers/{customer}/spend-cap", new { credits = 150 }));
        Assert.Equal(50, raised.GetProperty("overageRemaining").GetInt64());
        await UseAsync(customer, 20);
        Assert.Equal(120, (await client.GetFromJsonAsync<JsonElement>($"/v1/customers/{customer}/balance")).GetProperty("overageThisPeriod").GetInt64());
    }

    /// <summary>
    /// Usage for one capped customer arriving at once through both ingestion paths, the Gateway's HTTP API and the
    /// Orchestrator's bus consumer (two processes, two connection pools): the overage billed must stop at the cap
    /// exactly, whatever order the debits take the account in, with the rest written off, and the cap reached once.
    /// </summary>
    [Fact]
    public async Task Usage_racing_through_HTTP_and_the_bus_bills_exactly_the_cap_and_reaches_it_once()
    {
        var customer = NewCustomer("cap-race");
        await system.Accounts.OpenAsync(customer, "pro");              // 5000 credits
        using var client = system.Client();
        await OkAsync(await client.PutAsJsonAsync($"/v1/customers/{customer}/spend-cap", new { credits = 100 }));
        await UseAsync(customer, 4990);                                // 10 left: the race starts inside the allowance

        const int PerPath = 40, Credits = 7;                           // 560 credits asked for: 10 burnt, 100 billed, 450 written off
        var overHttp = Enumerable.Range(0, PerPath).Select(_ => UseAsync(customer, Credits));
        var overTheBus = Enumerable.Range(0, PerPath).Select(i => Bus.Publisher.Publish(new UsageRecorded
        {
            EventId = $"{customer}-bus-{i}", CustomerId = customer, Credits = Credits, OccurredAt = DateTimeOffset.UtcNow,
        }));
        await Task.WhenAll(overHttp.Concat(overTheBus));

        var kinds = await Eventually.Get(() => EntryTotalsAsync(customer), k => k.Values.Sum() == 4990 + 2 * PerPath * Credits,
            because: "every event written");
        Assert.Equal((4990 + 10, 100, 2 * PerPath * Credits - 110), (kinds.GetValueOrDefault("Debit"), kinds.GetValueOrDefault("Overage"), kinds.GetValueOrDefault("WriteOff")));
        var balance = await client.GetFromJsonAsync<JsonElement>($"/v1/customers/{customer}/balance");
        Assert.Equal((0L, 100L, false), (balance.GetProperty("available").GetInt64(), balance.GetProperty("overageThisPeriod").GetInt64(),
            balance.GetProperty("overageAllowed").GetBoolean()));
        var (column, sum) = await system.Accounts.BooksAsync(customer);
        Assert.Equal(column, sum);

        await Eventually.True(() => Task.FromResult(Bus.Received<SpendCapReached>().Any(e => e.CustomerId == customer)
            && Bus.Received<SpendCapAlert>().Count(e => e.CustomerId == customer) >= 3), TimeSpan.FromSeconds(30));
        await Task.Delay(2000);                                        // anything twice would have arrived by now
        Assert.Single(Bus.Received<SpendCapReached>(), e => e.CustomerId == customer);
        Assert.Equal([50, 80, 100], Bus.Received<SpendCapAlert>().Where(e => e.CustomerId == customer).Select(e => e.Percent).Order());
    }

    /// <summary>The quantity of the customer's entries by kind.</summary>
    async Task<Dictionary<string, long>> EntryTotalsAsync(string customer)
    {
        await using var db = system.Accounts.NewDbContext();
        return (await db.Database.SqlQuery<KindTotal>($"""
                SELECT kind AS "Kind", sum(quantity)::bigint AS "Total" FROM ledger_entries
                WHERE customer_id = {customer} AND kind IN ('Debit', 'Overage', 'WriteOff') GROUP BY kind
                """).ToListAsync())
            .ToDictionary(t => t.Kind, t => t.Total);
    }

    sealed record KindTotal(string Kind, long Total);
}
