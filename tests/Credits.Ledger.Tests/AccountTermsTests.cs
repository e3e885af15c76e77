using Credits.Ledger.Commands;
using Credits.Ledger.Results;
using Credits.Ledger.Tests.Support;
using Xunit;

namespace Credits.Ledger.Tests;

/// <summary>Terms of one account beyond its plan: the customer's own low-balance level and suspended overage.</summary>
public class AccountTermsTests(LedgerDatabase database) : IClassFixture<LedgerDatabase>
{
    [Fact]
    public async Task The_customers_own_threshold_is_reported_as_a_crossing_like_the_plans()
    {
        await using var customer = new Customer(database);
        await customer.StartAsync("pro");                        // plan threshold 100
        await SetThresholdAsync(customer, 500);

        var debit = await customer.DebitAsync(550);               // 1000 -> 450

        Assert.Equal([500L], debit.ThresholdsCrossed);
        Assert.Equal([100L], (await customer.DebitAsync(400)).ThresholdsCrossed);
        await LedgerInvariants.AssertHoldAsync(database);
    }

    [Fact]
    public async Task An_own_threshold_equal_to_the_plans_is_one_crossing_reported_once_in_a_fall_past_several()
    {
        await using var customer = new Customer(database);
        await customer.StartAsync("pro");                        // 1000 credits, plan threshold 100
        await SetThresholdAsync(customer, 100);                  // the plan's own level
        Assert.Equal([100L], (await customer.DebitAsync(950)).ThresholdsCrossed); // 50: the plan's and the own level, once

        await SetThresholdAsync(customer, 600);
        await customer.GrantAsync(950);                           // 1000 again: both levels re-armed
        Assert.Equal([600L, 100L], (await customer.DebitAsync(950)).ThresholdsCrossed); // one fall past both, highest first
        await LedgerInvariants.AssertHoldAsync(database);
    }

    static async Task SetThresholdAsync(Customer customer, long threshold)
    {
        var set = await customer.Ledger.SetLowBalanceThresholdAsync(new SetLowBalanceThreshold
        {
            CustomerId = customer.Id, IdempotencyKey = customer.NextKey(), Threshold = threshold,
        });
        Assert.Equal(LedgerOutcome.Applied, set.Outcome);
    }

    [Fact]
    public async Task Suspended_overage_writes_the_excess_off_until_it_is_resumed()
    {
        await using var customer = new Customer(database);
        await customer.StartAsync("pro");
        await customer.Ledger.SuspendOverageAsync(new SuspendOverage { CustomerId = customer.Id, IdempotencyKey = customer.NextKey(), Suspended = true });

        var suspended = await customer.DebitAsync(1100);
        Assert.Equal((1000L, 0L, 100L), (suspended.Debited, suspended.Overage, suspended.WrittenOff));
        Assert.False((await customer.Ledger.GetBalanceAsync(customer.Id))!.OverageAllowed);

        await customer.Ledger.SuspendOverageAsync(new SuspendOverage { CustomerId = customer.Id, IdempotencyKey = customer.NextKey(), Suspended = false });
        Assert.Equal(20, (await customer.DebitAsync(20)).Overage);
        await LedgerInvariants.AssertHoldAsync(database);
    }
}
