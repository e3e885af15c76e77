using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Credits.Contracts.Usage;
using Credits.Testing;
using Xunit;

namespace Credits.IntegrationTests;

/// <summary>
/// A shared balance on the real system: an organization's members spend from its balance over HTTP and the bus, each
/// within the limit the app sets for it, and the usage is broken down by member.
/// </summary>
public class SharedBalanceTests(SystemUnderTest system) : IClassFixture<SystemUnderTest>, IAsyncLifetime
{
    TestBus? _bus;

    public async Task InitializeAsync() => _bus = await TestBus.StartAsync(system.Infrastructure.VirtualHost.Uri);
    public async Task DisposeAsync() { if (_bus is not null) await _bus.DisposeAsync(); }

    [Fact]
    public async Task Members_spend_one_balance_within_their_own_limits()
    {
        var org = "org-" + Guid.NewGuid().ToString("N");
        await system.Accounts.OpenAsync(org, "hobby");                              // 200 credits for the team
        using var client = system.Client();

        var limit = await client.PutAsJsonAsync($"/v1/customers/{org}/members/ada", new { limitPerPeriod = 50 });
        Assert.Equal(HttpStatusCode.OK, limit.StatusCode);
        var usage = await client.PostAsJsonAsync("/v1/usage", new
        {
            events = new object[]
            {
                new { eventId = "a1", customerId = org, credits = 40, memberId = "ada" },
                new { eventId = "a2", customerId = org, credits = 40, memberId = "ada" },       // 10 within the limit, 30 written off
                new { eventId = "b1", customerId = org, credits = 70, memberId = "bob" },
            },
        });
        Assert.Equal(HttpStatusCode.OK, usage.StatusCode);
        await _bus!.Publisher.Publish(new UsageRecorded { CustomerId = org, EventId = "b2", Credits = 5, MemberId = "bob" });

        await Eventually.Get(() => system.Accounts.AvailableAsync(org), a => a == 200 - 50 - 75, because: "bob's bus event debited");
        var members = (await client.GetFromJsonAsync<JsonElement>($"/v1/customers/{org}/members")).EnumerateArray()
            .ToDictionary(m => m.GetProperty("memberId").GetString()!);
        Assert.Equal(50, members["ada"].GetProperty("usedThisPeriod").GetInt64());
        Assert.Equal(0, members["ada"].GetProperty("remaining").GetInt64());
        Assert.Equal(75, members["bob"].GetProperty("usedThisPeriod").GetInt64());

        var refused = await client.GetFromJsonAsync<JsonElement>($"/v1/customers/{org}/entitlement?credits=1&memberId=ada");
        Assert.False(refused.GetProperty("allowed").GetBoolean());
        var breakdown = await client.GetFromJsonAsync<JsonElement>($"/v1/customers/{org}/usage");
        var byMember = breakdown.GetProperty("members").EnumerateArray().ToDictionary(m => m.GetProperty("memberId").GetString()!);
        Assert.Equal(80, byMember["ada"].GetProperty("credits").GetInt64());                 // 50 spent and 30 written off
        Assert.Equal(2, byMember["bob"].GetProperty("events").GetInt64());
        var books = await system.Accounts.BooksAsync(org);
        Assert.Equal(books.SumOfEntries, books.Column);
    }

    [Fact]
    public async Task Bad_member_input_is_a_400_naming_the_field_and_changes_nothing()
    {
        var org = "org-bad-" + Guid.NewGuid().ToString("N");
        await system.Accounts.OpenAsync(org, "hobby");
        using var client = system.Client();

        var negative = await client.PutAsJsonAsync($"/v1/customers/{org}/members/ada", new { limitPerPeriod = -1 });
        var longId = await client.PostAsJsonAsync("/v1/usage",
            new { events = new[] { new { eventId = "x", customerId = org, credits = 5, memberId = new string('m', 129) } } });
        var unknown = await client.PutAsJsonAsync($"/v1/customers/nobody-{org}/members/ada", new { limitPerPeriod = 5 });

        Assert.Equal(HttpStatusCode.BadRequest, negative.StatusCode);
        Assert.True((await negative.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("limitPerPeriod", out _));
        Assert.Equal(HttpStatusCode.BadRequest, longId.StatusCode);
        Assert.True((await longId.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("events[0].memberId", out _));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(200, await system.Accounts.AvailableAsync(org));
        Assert.Empty((await client.GetFromJsonAsync<JsonElement>($"/v1/customers/{org}/members")).EnumerateArray());
    }
}
