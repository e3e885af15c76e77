using Credits.Ledger.Model;
using Credits.Ledger.Results;
using Credits.Ledger.Tests.Support;
using Xunit;

namespace Credits.Ledger.Tests;

public class BurnDownTests(LedgerDatabase database) : IClassFixture<LedgerDatabase>
{
    [Fact]
    public async Task Debits_burn_by_priority_then_soonest_expiry_then_oldest()
    {
        await using var customer = new Customer(database);
        await customer.StartAsync("free");
        var purchase = await customer.GrantAsync(100, GrantSource.Purchase);                  // priority 40
        var lateExpiry = await customer.GrantAsync(100, GrantSource.Promotion, expiresAt: Customer.PeriodEnd.AddDays(60)); // 10
        var older = await customer.GrantAsync(100, GrantSource.Promotion);                    // 10, never expires
        var soonExpiry = await customer.GrantAsync(100, GrantSource.Promotion, expiresAt: Customer.PeriodEnd); // 10
        customer.Clock.Advance(TimeSpan.FromSeconds(1));
        var newer = await customer.GrantAsync(100, GrantSource.Promotion);                    // 10, never expires

        var result = await customer.DebitAsync(350);

        Assert.Equal(350, result.Debited);
        var remaining = await RemainingAsync();
        Assert.Equal(0, remaining[soonExpiry.GrantId!.Value]);
        Assert.Equal(0, remaining[lateExpiry.GrantId!.Value]);
        Assert.Equal(0, remaining[older.GrantId!.Value]);
        Assert.Equal(50, remaining[newer.GrantId!.Value]);
        Assert.Equal(100, remaining[purchase.GrantId!.Value]);
        await LedgerInvariants.AssertHoldAsync(database);

        async Task<Dictionary<Guid, long>> RemainingAsync()
        {
            await using var db = database.NewContext();
            return db.Set<CreditGrant>().Where(g => g.CustomerId == customer.Id).ToDictionary(g => g.Id, g => g.Remaining);
        }
    }

    /// <summary>
    /// The burn order is sorted once per transaction (a batch debits an account many times); a grant added in the same
    /// transaction must still take its place in it. Had the order been kept from the first debit, the second would
    /// have burnt the allowance instead of the new, first-priority grant.
    /// </summary>
    [Fact]
    public async Task A_grant_added_between_two_debits_of_one_transaction_takes_its_place_in_the_burn_order()
    {
        await using var customer = new Customer(database);
        await customer.StartAsync("hobby");                       // 200 credits of allowance
        var grantKey = customer.NextKey();

        var results = await customer.Ledger.ApplyAsync(
        [
            new Commands.DebitCredits { CustomerId = customer.Id, IdempotencyKey = customer.NextKey(), Credits = 50 },
            new Commands.GrantCredits
            {
                CustomerId = customer.Id, IdempotencyKey = grantKey, Credits = 100, Source = GrantSource.Promotion, Priority = 0,
            },
            new Commands.DebitCredits { CustomerId = customer.Id, IdempotencyKey = customer.NextKey(), Credits = 30 },
        ]);

        Assert.All(results, r => Assert.Equal(LedgerOutcome.Applied, r.Outcome));
        Assert.Equal(30, results[2].Debited);
        await using var db = database.NewContext();
        var remaining = db.Set<CreditGrant>().Where(g => g.CustomerId == customer.Id).ToDictionary(g => g.Id, g => g.Remaining);
        Assert.Equal(70, remaining[results[1].GrantId!.Value]);
        Assert.Equal(150, remaining.Where(g => g.Key != results[1].GrantId).Sum(g => g.Value));
        await LedgerInvariants.AssertHoldAsync(database);
    }

    [Fact]
    public async Task A_plan_without_overage_stops_at_zero_and_writes_off_the_rest()
    {
        await using var customer = new Customer(database);
        await customer.StartAsync("hobby");                       // 200 credits

        var result = await customer.DebitAsync(250);

        Assert.Equal((200L, 0L, 50L), (result.Debited, result.Overage, result.WrittenOff));
        Assert.Equal(0, result.Account!.Available);
        Assert.Equal(0, result.Account.Balance);
        var next = await customer.DebitAsync(10);
        Assert.Equal((0L, 10L), (next.Debited, next.WrittenOff));
        await LedgerInvariants.AssertHoldAsync(database);
    }

    [Fact]
    public async Task A_plan_with_overage_records_the_excess_as_billable_overage()
    {
        await using var customer = new Customer(database);
        await customer.StartAsync("pro");                         // 1000 credits

        var result = await customer.DebitAsync(1200);
        await customer.DebitAsync(30);

        Assert.Equal((1000L, 200L, 0L), (result.Debited, result.Overage, result.WrittenOff));
        var balance = await customer.Ledger.GetBalanceAsync(customer.Id);
        Assert.Equal(0, balance!.Available);
        Assert.Equal(230, balance.OverageThisPeriod);
        var unreported = Assert.Single(await customer.Ledger.GetUnreportedOverageAsync(customer.Id));
        Assert.Equal(230, unreported.Quantity);
        await LedgerInvariants.AssertHoldAsync(database);
    }

    [Fact]
    public async Task Thresholds_are_reported_once_per_downward_crossing_and_a_grant_rearms_them()
    {
        await using var customer = new Customer(database);
        await customer.StartAsync("hobby");                       // 200, thresholds 50 and 20

        Assert.Empty((await customer.DebitAsync(100)).ThresholdsCrossed);     // 100 left
        Assert.Equal([50L], (await customer.DebitAsync(60)).ThresholdsCrossed); // 40
        Assert.Empty((await customer.DebitAsync(5)).ThresholdsCrossed);       // 35: still below 50, no repeat
        var both = await customer.DebitAsync(30);                               // 5
        Assert.Equal([20L], both.ThresholdsCrossed);
        Assert.False(both.Exhausted);
        var exhausted = await customer.DebitAsync(10);                          // 0 (5 written off)
        Assert.True(exhausted.Exhausted);
        Assert.False((await customer.DebitAsync(10)).Exhausted);               // already at zero

        await customer.GrantAsync(100);                                         // 100: re-armed
        var again = await customer.DebitAsync(100);
        Assert.Equal([50L, 20L], again.ThresholdsCrossed);
        Assert.True(again.Exhausted);
        var messages = again.BalanceNotifications(customer.Clock.Now);
        Assert.Equal(3, messages.Count);
    }

    [Fact]
    public async Task A_reversal_takes_back_only_what_is_still_unspent_of_the_grant()
    {
        await using var customer = new Customer(database);
        await customer.StartAsync("free");
        await customer.GrantAsync(100, GrantSource.Purchase, key: $"{customer.Id}-purchase");
        await customer.DebitAsync(30);

        var refund = await customer.Ledger.ReverseGrantAsync(new Commands.ReverseGrant
        {
            CustomerId = customer.Id, IdempotencyKey = customer.NextKey(), GrantKey = $"{customer.Id}-purchase", Note = "refund",
        });

        Assert.Equal(70, refund.Reversed);
        Assert.Equal(0, refund.Account!.Available);
        var unknown = await customer.Ledger.ReverseGrantAsync(new Commands.ReverseGrant
        {
            CustomerId = customer.Id, IdempotencyKey = customer.NextKey(), GrantKey = "no-such-grant",
        });
        Assert.Equal(LedgerOutcome.NotFound, unknown.Outcome);
        await LedgerInvariants.AssertHoldAsync(database);
    }

    [Fact]
    public async Task Usage_for_a_customer_without_an_account_or_with_bad_figures_is_rejected_with_a_reason()
    {
        await using var customer = new Customer(database);
        var unknown = await customer.DebitAsync(5);
        Assert.Equal(LedgerOutcome.UnknownCustomer, unknown.Outcome);

        await customer.StartAsync("hobby");
        var zero = await customer.DebitAsync(0);
        Assert.Equal(LedgerOutcome.Invalid, zero.Outcome);
        Assert.Contains("positive", zero.Reason);
        var future = await customer.Ledger.DebitAsync(new Commands.DebitCredits
        {
            CustomerId = customer.Id, IdempotencyKey = customer.NextKey(), Credits = 1, OccurredAt = customer.Clock.Now.AddHours(1),
        });
        Assert.Equal(LedgerOutcome.Invalid, future.Outcome);
        Assert.Equal(200, await customer.AvailableAsync());
    }
}
