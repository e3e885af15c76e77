using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Credits.Client;
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
        using var http = system.Client();
        var credits = new CreditsClient(http);

        Assert.Equal(50, (await credits.SetMemberLimitAsync(org, "ada", 50)).LimitPerPeriod);
        var usage = await credits.RecordUsageAsync(
        [
            new UsageEvent { EventId = "a1", CustomerId = org, Credits = 40, MemberId = "ada" },
            new UsageEvent { EventId = "a2", CustomerId = org, Credits = 40, MemberId = "ada" },   // 10 within the limit, 30 written off
            new UsageEvent { EventId = "b1", CustomerId = org, Credits = 70, MemberId = "bob" },
        ]);
        Assert.Equal(3, usage.Applied);
        await _bus!.Publisher.Publish(new UsageRecorded { CustomerId = org, EventId = "b2", Credits = 5, MemberId = "bob" });

        await Eventually.Get(() => system.Accounts.AvailableAsync(org), a => a == 200 - 50 - 75, because: "bob's bus event debited");
        var members = (await credits.GetMembersAsync(org)).ToDictionary(m => m.MemberId);
        Assert.Equal(50, members["ada"].UsedThisPeriod);
        Assert.Equal(0, members["ada"].Remaining);
        Assert.Equal(75, members["bob"].UsedThisPeriod);

        Assert.False((await credits.CheckEntitlementAsync(org, 1, memberId: "ada")).Allowed);
        // Removing the limit (DELETE .../limit) lets the member spend the organization's balance again.
        Assert.Null((await credits.SetMemberLimitAsync(org, "ada", null)).LimitPerPeriod);
        Assert.True((await credits.CheckEntitlementAsync(org, 1, memberId: "ada")).Allowed);
        var byMember = (await credits.GetUsageAsync(org)).Members.ToDictionary(m => m.MemberId);
        Assert.Equal(80, byMember["ada"].Credits);                                          // 50 spent and 30 written off
        Assert.Equal(2, byMember["bob"].Events);
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
        // No limit is DELETE .../limit, not a PUT of null: a null is a mistake, refused.
        var missing = await client.PutAsJsonAsync($"/v1/customers/{org}/members/ada", new { limitPerPeriod = (long?)null });
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
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
