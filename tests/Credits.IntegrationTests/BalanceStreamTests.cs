using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Xunit;

namespace Credits.IntegrationTests;

/// <summary>The server-sent-events balance stream: the balance now, then every committed change.</summary>
public class BalanceStreamTests(SystemUnderTest system) : IClassFixture<SystemUnderTest>
{
    /// <summary>
    /// The stream reads the balance only when a change is notified (its keep-alive writes a comment, no balance), so the
    /// debit's balance arriving at all is the notification's work. How fast is the benchmark's to say
    /// (`ingestion`'s publish-to-visible row, docs/BENCHMARKS.md), not a timed assertion's.
    /// </summary>
    [Fact]
    public async Task A_debit_reaches_an_open_stream()
    {
        var customer = "sse-" + Guid.NewGuid().ToString("N");
        await system.Accounts.OpenAsync(customer, "hobby");
        using var client = system.Client();
        using var stream = await client.GetStreamAsync($"/v1/customers/{customer}/balance/stream");
        using var reader = new StreamReader(stream);

        Assert.Equal(200, (await NextBalanceAsync(reader)).GetProperty("available").GetInt64());

        var next = NextBalanceAsync(reader);
        var post = await client.PostAsJsonAsync("/v1/usage",
            new { events = new[] { new { eventId = "sse-1-" + customer, customerId = customer, credits = 42 } } });
        Assert.Equal(HttpStatusCode.OK, post.StatusCode);
        // The 10 s bound only keeps a lost notification from hanging the test.
        var balance = await next.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(158, balance.GetProperty("available").GetInt64());
    }

    /// <summary>
    /// The stream's balance carries the spend cap, so a change of the cap is a change of the balance: without an event,
    /// a page that last heard "limit reached" (an event read before the cap was raised, sent after) kept saying so
    /// (CI's run of a158d75, SpendCapPortalTests). The cap writes no entry, so the notification must come from the
    /// account's change.
    /// </summary>
    [Fact]
    public async Task A_change_of_the_spend_cap_reaches_an_open_stream()
    {
        var customer = "sse-cap-" + Guid.NewGuid().ToString("N");
        await system.Accounts.OpenAsync(customer, "pro");
        using var client = system.Client();
        using var stream = await client.GetStreamAsync($"/v1/customers/{customer}/balance/stream");
        using var reader = new StreamReader(stream);
        Assert.Equal(JsonValueKind.Null, (await NextBalanceAsync(reader)).GetProperty("overageCap").ValueKind);

        var next = NextBalanceAsync(reader);
        var put = await client.PutAsJsonAsync($"/v1/customers/{customer}/spend-cap", new { credits = 300 });
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);

        Assert.Equal(300, (await next.WaitAsync(TimeSpan.FromSeconds(10))).GetProperty("overageCap").GetInt64());
    }

    [Fact]
    public async Task An_unknown_customer_gets_404()
    {
        using var client = system.Client();
        var response = await client.GetAsync("/v1/customers/nobody/balance/stream");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    static async Task<JsonElement> NextBalanceAsync(StreamReader reader)
    {
        while (await reader.ReadLineAsync() is { } line)
            if (line.StartsWith("data: ")) return JsonDocument.Parse(line["data: ".Length..]).RootElement;
        throw new EndOfStreamException();
    }
}
