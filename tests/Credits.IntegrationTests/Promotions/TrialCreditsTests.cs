using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Credits.Contracts.Customers;
using Credits.Ledger.Model;
using Credits.Ledger.Periods;
using Credits.Ledger.Plans;
using Credits.Sagas;
using Credits.Sagas.StateMachines;
using Credits.Testing;
using Microsoft.EntityFrameworkCore;
using Xunit;

namespace Credits.IntegrationTests.Promotions;

/// <summary>Hobby gives 300 trial credits for 14 days, Pro 700 (the shipped catalog gives none).</summary>
public sealed class TrialCreditsSystem : SystemUnderTest
{
    protected override void Configure(Dictionary<string, string> environment)
    {
        environment["Plans__hobby__TrialCredits"] = "300";
        environment["Plans__hobby__TrialCreditsExpireAfterDays"] = "14";
        environment["Plans__pro__TrialCredits"] = "700";
    }
}

/// <summary>
/// Trial credits on registration by plan (issue 17, item 4; docs/promotions.md): granted once, with the registration's
/// first period, and never again: not for a repeated registration, not for a plan change, not for a first-period step
/// delivered again or sent for a later period.
/// </summary>
public class TrialCreditsTests(TrialCreditsSystem system) : IClassFixture<TrialCreditsSystem>, IAsyncLifetime
{
    static readonly TimeSpan FlowTimeout = TimeSpan.FromSeconds(90);
    TestBus? _bus;

    public async Task InitializeAsync() => _bus = await TestBus.StartAsync(system.Infrastructure.VirtualHost.Uri);

    public async Task DisposeAsync() { if (_bus is not null) await _bus.DisposeAsync(); }

    async Task<JsonElement> CustomerWhenAsync(string customerId, Func<JsonElement, bool> until, string because)
    {
        using var client = system.Client();
        return (await Eventually.Get(async () =>
        {
            var response = await client.GetAsync($"/v1/customers/{customerId}");
            return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<JsonElement>() : (JsonElement?)null;
        }, body => body is { } b && until(b), FlowTimeout, because))!.Value;
    }

    async Task<List<LedgerEntry>> TrialEntriesAsync(string customerId)
    {
        await using var db = system.Accounts.NewDbContext();
        var key = TrialCredits.Key(customerId);
        return await db.Set<LedgerEntry>().AsNoTracking().Where(e => e.CustomerId == customerId && e.IdempotencyKey == key).ToListAsync();
    }

    async Task AssertBooksBalanceAsync(string customer)
    {
        var (column, sum) = await system.Accounts.BooksAsync(customer);
        Assert.Equal(column, sum);
    }

    [Fact]
    public async Task A_customer_gets_the_plans_trial_credits_once_at_registration_and_never_again()
    {
        var customerId = $"trial-{Guid.NewGuid():N}";
        using var client = system.Client();
        Assert.Equal(HttpStatusCode.Accepted,
            (await client.PostAsJsonAsync("/v1/customers", new { customerId, email = $"{customerId}@example.com", planId = "hobby" })).StatusCode);
        var customer = await CustomerWhenAsync(customerId,
            c => c.GetProperty("state").GetString() == "active" && c.GetProperty("balance").ValueKind == JsonValueKind.Object,
            "the customer is registered with its first period");

        // 200 of Hobby's allowance and its 300 trial credits, a promotion that lapses 14 days after the first period starts.
        Assert.Equal(500, customer.GetProperty("balance").GetProperty("available").GetInt64());
        var trial = Assert.Single(await TrialEntriesAsync(customerId));
        Assert.Equal(300, trial.Quantity);
        await using (var db = system.Accounts.NewDbContext())
        {
            var grant = await db.Set<CreditGrant>().AsNoTracking().SingleAsync(g => g.Id == trial.GrantId);
            Assert.Equal(GrantSource.Promotion, grant.Source);
            var saga = await db.Set<CustomerLifecycleState>().AsNoTracking().SingleAsync(s => s.CorrelationId == SagaKeys.ForCustomer(customerId));
            Assert.Equal(saga.AllowancePeriodStart!.Value.AddDays(14).ToUnixTimeSeconds(), grant.ExpiresAt!.Value.ToUnixTimeSeconds());
        }

        // Registering again is answered with the customer as it is.
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/v1/customers", new { customerId, planId = "hobby" })).StatusCode);

        // A plan change (an upgrade to Pro, which has a trial of its own) grants Pro's prorated allowance, no trial.
        await StripeState.SaveCardAsync(system.Stripe.CreateClient(), customer.GetProperty("stripeCustomerId").GetString()!);
        using var upgrade = new HttpRequestMessage(HttpMethod.Post, $"/v1/customers/{customerId}/plan") { Content = JsonContent.Create(new { planId = "pro" }) };
        upgrade.Headers.Add("Idempotency-Key", "trial-upgrade");
        Assert.Equal(HttpStatusCode.Accepted, (await client.SendAsync(upgrade)).StatusCode);
        await CustomerWhenAsync(customerId, c => c.GetProperty("planId").GetString() == "pro", "the upgrade completes");

        // The first period's step delivered again, and one that wrongly says "first" for the next period on
        // Pro (whose trial is larger): no second trial.
        CustomerLifecycleState active;
        await using (var db = system.Accounts.NewDbContext())
            active = await db.Set<CustomerLifecycleState>().AsNoTracking().SingleAsync(s => s.CorrelationId == SagaKeys.ForCustomer(customerId));
        var first = new StartAllowancePeriod
        {
            CorrelationId = active.CorrelationId, CustomerId = customerId, PlanId = "hobby", PeriodStart = active.PeriodStart!.Value,
            PeriodEnd = active.PeriodEnd!.Value, FirstPeriod = true,
        };
        await _bus!.Publisher.Publish(first);
        await _bus.Publisher.Publish(first with { PlanId = "pro", PeriodStart = active.PeriodEnd!.Value, PeriodEnd = active.PeriodEnd!.Value.AddMonths(1) });
        await Eventually.True(async () =>
        {
            await using var db = system.Accounts.NewDbContext();
            var key = AllowanceKeys.Period(customerId, active.PeriodEnd!.Value);
            return await db.Set<LedgerEntry>().AnyAsync(e => e.CustomerId == customerId && e.IdempotencyKey == key);
        }, FlowTimeout, "the next period opens");

        var only = Assert.Single(await TrialEntriesAsync(customerId));
        Assert.Equal(300, only.Quantity);
        await using (var db = system.Accounts.NewDbContext())
        {
            var promotions = await db.Set<CreditGrant>().AsNoTracking().Where(g => g.CustomerId == customerId && g.Source == GrantSource.Promotion).ToListAsync();
            Assert.Equal(300, Assert.Single(promotions).Amount);
        }
        await AssertBooksBalanceAsync(customerId);
    }
}
