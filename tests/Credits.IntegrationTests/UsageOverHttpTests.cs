using System.Net;
using System.Net.Http.Json;
using System.Text;
using Credits.Client;
using Xunit;

namespace Credits.IntegrationTests;

/// <summary>POST /v1/usage on the real Gateway, PostgreSQL and RabbitMQ: debited at once, idempotent, rejected with reasons.</summary>
public class UsageOverHttpTests(SystemUnderTest system) : IClassFixture<SystemUnderTest>
{
    static UsageEvent Event(string id, string customer, long credits, DateTimeOffset? at = null) =>
        UsageEvent.InCredits(id, customer, credits, "api-call") with { OccurredAt = at };

    /// <summary>Through Credits.Client, which throws CreditsApiException for anything but 200.</summary>
    async Task<RecordUsageResult> PostAsync(params UsageEvent[] events)
    {
        using var client = system.Client();
        return await new CreditsClient(client).RecordUsageAsync(events);
    }

    async Task<long> BalanceAsync(string customer)
    {
        using var client = system.Client();
        return (await new CreditsClient(client).GetBalanceAsync(customer))!.Available;
    }

    [Fact]
    public async Task Usage_shows_in_the_balance_as_soon_as_the_request_returns()
    {
        var customer = "http-" + Guid.NewGuid().ToString("N");
        await system.Accounts.OpenAsync(customer, "hobby");

        var response = await PostAsync(Event("e1-" + customer, customer, 30), Event("e2-" + customer, customer, 20));

        Assert.Equal(2, response.Applied);
        Assert.Equal(150, response.Results[^1].Available);
        Assert.Equal(150, await system.Accounts.AvailableAsync(customer));
        Assert.Equal(150, await BalanceAsync(customer));
    }

    [Fact]
    public async Task The_same_event_again_is_acknowledged_and_changes_nothing()
    {
        var customer = "dup-" + Guid.NewGuid().ToString("N");
        await system.Accounts.OpenAsync(customer, "hobby");
        var e = Event("once-" + customer, customer, 25);

        await PostAsync(e);
        var again = await PostAsync(e, e);

        Assert.Equal(0, again.Applied);
        Assert.Equal(2, again.Duplicates);
        Assert.Equal(175, await system.Accounts.AvailableAsync(customer));
        var books = await system.Accounts.BooksAsync(customer);
        Assert.Equal(books.SumOfEntries, books.Column);
    }

    [Fact]
    public async Task Invalid_events_are_rejected_one_by_one_with_a_reason_and_change_nothing()
    {
        var customer = "bad-" + Guid.NewGuid().ToString("N");
        await system.Accounts.OpenAsync(customer, "hobby");
        await PostAsync(Event("taken-" + customer, customer, 5));

        var response = await PostAsync(
            Event("zero-" + customer, customer, 0),
            Event("neg-" + customer, customer, -3),
            Event("nobody-" + customer, "no-such-customer-" + customer, 5),
            Event("future-" + customer, customer, 5, DateTimeOffset.UtcNow.AddDays(2)),
            new UsageEvent { EventId = "", CustomerId = customer, Credits = 5 },
            Event("taken-" + customer, customer, 6),
            Event("fine-" + customer, customer, 10));

        Assert.Equal(["rejected", "rejected", "rejected", "rejected", "rejected", "rejected", "applied"],
            response.Results.Select(r => r.Status));
        Assert.Equal("unknown-customer", response.Results[2].ReasonCode);
        Assert.Equal("invalid", response.Results[3].ReasonCode);
        Assert.Contains("future", response.Results[3].Reason);
        Assert.Contains("eventId", response.Results[4].Reason);
        Assert.Equal("idempotency-conflict", response.Results[5].ReasonCode);
        Assert.All(response.Results.Take(6), r => Assert.False(string.IsNullOrEmpty(r.Reason)));
        Assert.Equal(200 - 5 - 10, await system.Accounts.AvailableAsync(customer));
    }

    [Fact]
    public async Task A_malformed_or_oversized_request_gets_problem_details_and_writes_nothing()
    {
        var customer = "malformed-" + Guid.NewGuid().ToString("N");
        await system.Accounts.OpenAsync(customer, "hobby");
        using var client = system.Client();

        var malformed = await client.PostAsync("/v1/usage", new StringContent("{\"events\": [ {\"eventId\": ", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Equal("application/problem+json", malformed.Content.Headers.ContentType?.MediaType);

        var tooMany = Enumerable.Range(0, 1001).Select(i => new { eventId = $"big-{i}-{customer}", customerId = customer, credits = 1 }).ToArray();
        var oversized = await client.PostAsJsonAsync("/v1/usage", new { events = tooMany });
        Assert.Equal(HttpStatusCode.BadRequest, oversized.StatusCode);
        Assert.Equal("application/problem+json", oversized.Content.Headers.ContentType?.MediaType);

        var empty = await client.PostAsJsonAsync("/v1/usage", new { events = Array.Empty<object>() });
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);

        Assert.Equal(200, await system.Accounts.AvailableAsync(customer));
    }

    [Fact]
    public async Task A_thousand_events_in_one_request_are_all_applied()
    {
        var customer = "bulk-" + Guid.NewGuid().ToString("N");
        await system.Accounts.OpenAsync(customer, "pro");

        var response = await PostAsync(Enumerable.Range(0, 1000).Select(i => Event($"bulk-{i}-{customer}", customer, 3)).ToArray());

        Assert.Equal(1000, response.Applied);
        // Pro: 5,000 included; 3,000 used.
        Assert.Equal(2000, await BalanceAsync(customer));
    }

    [Fact]
    public async Task An_unknown_customer_has_no_balance()
    {
        using var client = system.Client();
        var response = await client.GetAsync("/v1/customers/nobody-at-all/balance");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
