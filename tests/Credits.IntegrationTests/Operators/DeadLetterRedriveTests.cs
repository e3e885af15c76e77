using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Credits.Contracts.Usage;
using Credits.Ledger.Model;
using Credits.Persistence.Operators;
using Credits.Testing;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Xunit;

namespace Credits.IntegrationTests.Operators;

/// <summary>
/// Redrive of dead-lettered usage on the real system: usage rejected for a reason an operator then fixes (the customer
/// did not exist yet) is moved back from usage-recorded_error by POST /console/api/dead-letters/{queue}/redrive and
/// debited once; moving the same event back again debits nothing more. After each: the ledger entries, the balance,
/// the books, the queue and the operator log.
/// </summary>
public class DeadLetterRedriveTests(SystemUnderTest system) : IClassFixture<SystemUnderTest>, IAsyncLifetime
{
    const string Queue = "usage-recorded_error";
    TestBus? _bus;

    public async Task InitializeAsync() => _bus = await TestBus.StartAsync(system.Infrastructure.VirtualHost.Uri);

    public async Task DisposeAsync() { if (_bus is not null) await _bus.DisposeAsync(); }

    static UsageRecorded Usage(string id, string customer, long credits) =>
        new() { EventId = id, CustomerId = customer, Credits = credits, OccurredAt = DateTimeOffset.UtcNow };

    static async Task<HttpResponseMessage> RedriveAsync(HttpClient http, string queue, object body) =>
        await http.PostAsJsonAsync($"/console/api/dead-letters/{queue}/redrive", body);

    /// <summary>The dead letter of <paramref name="eventId"/> as the console lists it.</summary>
    async Task<JsonElement?> DeadLetterAsync(HttpClient http, string eventId)
    {
        var report = await http.GetFromJsonAsync<JsonElement>("/console/api/dead-letters");
        var queue = report.GetProperty("queues").EnumerateArray().Single(q => q.GetProperty("queue").GetString() == Queue);
        foreach (var message in queue.GetProperty("messages").EnumerateArray())
            if (message.GetProperty("usage").EnumerateArray().Any(u => u.GetProperty("eventId").GetString() == eventId))
                return message;
        return null;
    }

    async Task<List<LedgerEntry>> EntriesAsync(string customerId, string eventId)
    {
        await using var db = system.Accounts.NewDbContext();
        return await db.Set<LedgerEntry>().AsNoTracking()
            .Where(e => e.CustomerId == customerId && e.IdempotencyKey.Contains(eventId)).ToListAsync();
    }

    [Fact]
    public async Task Usage_rejected_for_an_unknown_customer_is_redriven_once_the_customer_exists_and_debited_once_however_often_it_comes_back()
    {
        var customer = "redrive-" + Guid.NewGuid().ToString("N");
        var eventId = "late-customer-" + customer;
        using var http = system.Client();

        // The producer reported usage before the customer was registered: rejected (unknown-customer) and dead-lettered.
        var usage = Usage(eventId, customer, 30);
        await _bus!.Publisher.Publish(usage);
        var letter = (await Eventually.Get(() => DeadLetterAsync(http, eventId), m => m is not null, because: "the usage waits in the error queue"))!.Value;
        Assert.Contains("unknown-customer", letter.GetProperty("reason").GetString());
        var messageId = letter.GetProperty("messageId").GetString()!;

        // The operator fixes the cause, then redrives that one message.
        await system.Accounts.OpenAsync(customer, "hobby");
        var response = await RedriveAsync(http, Queue, new { messageId, reason = "customer registered late", @operator = "alice" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var redriven = await response.Content.ReadFromJsonAsync<JsonElement>();
        var moved = Assert.Single(redriven.GetProperty("moved").EnumerateArray());
        Assert.Equal("usage-recorded", moved.GetProperty("queue").GetString());
        Assert.Equal(eventId, moved.GetProperty("usage")[0].GetProperty("eventId").GetString());

        await Eventually.Get(() => system.Accounts.AvailableAsync(customer), a => a == 170, because: "the redriven usage is debited");
        Assert.Null(await DeadLetterAsync(http, eventId));

        // The same event comes back to the error queue (say a producer's retry that was dead-lettered meanwhile) with a
        // marker behind it, and the whole queue is redriven: the ledger knows the event id and debits it no second time.
        var errorQueue = await _bus.QueueAsync(Queue);
        await errorQueue.Send(usage);
        await errorQueue.Send(Usage("marker-" + customer, customer, 1));
        await Eventually.Get(() => DeadLetterAsync(http, "marker-" + customer), m => m is not null);
        response = await RedriveAsync(http, Queue, new { all = true, reason = "second pass", @operator = "bob" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("moved").GetArrayLength() >= 2);

        await Eventually.Get(() => system.Accounts.AvailableAsync(customer), a => a == 169, because: "the marker is debited");
        await Task.Delay(1000);
        Assert.Equal(169, await system.Accounts.AvailableAsync(customer));
        Assert.Single(await EntriesAsync(customer, eventId));
        var books = await system.Accounts.BooksAsync(customer);
        Assert.Equal(books.SumOfEntries, books.Column);
        await Eventually.Get(() => system.Infrastructure.VirtualHost.QueueDepthAsync(Queue), d => d == 0, because: "nothing failed again");

        // Who, when, why and what: one row per action.
        var one = Assert.Single(await OperatorLog.ActionsAsync(system, OperatorActionKinds.RedriveDeadLetters, messageId));
        Assert.Equal(("alice via integration-tests", "customer registered late", customer), (one.Actor, one.Reason, one.CustomerId));
        Assert.Contains(eventId, one.Details);
        var all = (await OperatorLog.ActionsAsync(system, OperatorActionKinds.RedriveDeadLetters, Queue)).Where(a => a.Reason == "second pass").ToList();
        Assert.Equal("bob via integration-tests", Assert.Single(all).Actor);
        Assert.Contains("marker-" + customer, all[0].Details);
    }

    [Fact]
    public async Task Only_the_consoles_queues_may_be_redriven_and_only_with_who_and_why()
    {
        using var http = system.Client();

        var unknown = await RedriveAsync(http, "orders", new { all = true, reason = "r", @operator = "alice" });
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, (await RedriveAsync(http, "usage-recorded", new { all = true, reason = "r", @operator = "alice" })).StatusCode);

        Assert.Equal(HttpStatusCode.BadRequest, (await RedriveAsync(http, Queue, new { all = true, @operator = "alice" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await RedriveAsync(http, Queue, new { all = true, reason = "r" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await RedriveAsync(http, Queue, new { reason = "r", @operator = "alice" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await RedriveAsync(http, Queue, new { messageId = "no-such", reason = "r", @operator = "alice" })).StatusCode);

        // A step whose saga already acted on its fault is not run behind the saga's back.
        var refused = await RedriveAsync(http, "charge-saved-card_error", new { all = true, reason = "r", @operator = "alice" });
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("cancelled", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());

        Assert.Empty(await OperatorLog.ActionsAsync(system, OperatorActionKinds.RedriveDeadLetters, "orders"));
        Assert.Empty(await OperatorLog.ActionsAsync(system, OperatorActionKinds.RedriveDeadLetters, "charge-saved-card_error"));
    }
}
