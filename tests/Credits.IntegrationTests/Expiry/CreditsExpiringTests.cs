using System.Net;
using System.Net.Http.Json;
using Credits.Contracts.Ledger;
using Credits.Testing;
using Microsoft.EntityFrameworkCore;
using Xunit;

namespace Credits.IntegrationTests.Expiry;

/// <summary>
/// CreditsExpiring on the real system (docs/lifecycle/auto-top-up.md): a grant with an expiry of its own that lapses
/// within 7 days (the default) is warned about once, however often the job runs and with two Orchestrators running it
/// at once; a grant further out and the plan's allowance are not.
/// </summary>
public class CreditsExpiringTests(FrequentExpiryJobs system) : IClassFixture<FrequentExpiryJobs>, IAsyncLifetime
{
    TestBus? _bus;

    public async Task InitializeAsync() => _bus = await TestBus.StartAsync(system.Infrastructure.VirtualHost.Uri, typeof(CreditsExpiring));

    public async Task DisposeAsync() { if (_bus is not null) await _bus.DisposeAsync(); }

    [Fact]
    public async Task A_grant_expiring_within_the_window_is_warned_about_once_by_two_runners()
    {
        // A second Orchestrator: two jobs, each running every second, race for the same grants.
        await using var second = new HostProcess("Orchestrator", system.Environment);
        await second.StartAsync();

        var customer = "exp-" + Guid.NewGuid().ToString("N")[..16];
        await system.Accounts.OpenAsync(customer, "hobby");
        var soon = DateTimeOffset.UtcNow.AddDays(3);
        var soonGrant = await GrantAsync(customer, 50, soon, "soon");
        var later = await GrantAsync(customer, 70, DateTimeOffset.UtcNow.AddDays(30), "later");

        var warned = await Eventually.Get(() => Task.FromResult(Warnings(customer)), w => w.Count > 0, TimeSpan.FromSeconds(60), "CreditsExpiring");
        await Task.Delay(5000); // some ten more runs of each job

        var warning = Assert.Single(Warnings(customer));
        Assert.Equal((soonGrant, 50L, "Promotion"), (warning.GrantId, warning.Credits, warning.Source));
        Assert.Equal(soon.ToUnixTimeMilliseconds(), warning.ExpiresAt.ToUnixTimeMilliseconds());
        Assert.NotEqual(later, warning.GrantId);
        await using var db = system.Accounts.NewDbContext();
        Assert.Equal(1, await db.Database.SqlQuery<int>(
            $"SELECT count(*)::int AS \"Value\" FROM ledger_expiry_warnings WHERE customer_id = {customer}").SingleAsync());
        Assert.Equal(warned.Single().GrantId, warning.GrantId);
    }

    List<CreditsExpiring> Warnings(string customer) => _bus!.Received<CreditsExpiring>().Where(w => w.CustomerId == customer).ToList();

    /// <summary>An operator's promotional grant with an expiry, through the console API.</summary>
    async Task<Guid> GrantAsync(string customer, long credits, DateTimeOffset expiresAt, string key)
    {
        using var http = system.Client();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/console/api/customers/{customer}/grants")
        {
            Content = JsonContent.Create(new { credits, category = "promo", reason = "launch week", @operator = "carol", expiresAt }),
        };
        request.Headers.Add("Idempotency-Key", $"{customer}-{key}");
        var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        return System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("grantId").GetGuid();
    }
}
