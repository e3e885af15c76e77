using Credits.Ledger.Commands;
using Credits.Ledger.Model;
using Credits.Ledger.Results;
using Credits.Ledger.Tests.Support;
using Xunit;

namespace Credits.Ledger.Tests;

/// <summary>The end of a subscription (docs/lifecycle/cancel-and-dunning.md): the plan's allowance lapses, bought credits stay, no overage.</summary>
public class SubscriptionEndTests(LedgerDatabase database) : IClassFixture<LedgerDatabase>
{
    [Fact]
    public async Task The_plans_allowance_lapses_and_purchased_credits_stay_usable_without_overage()
    {
        await using var customer = new Customer(database);
        await customer.StartAsync("pro");                                   // 1000 allowance, overage allowed
        await customer.GrantAsync(300, GrantSource.Purchase);
        Assert.Equal(200, (await customer.DebitAsync(200)).Debited);         // burns the allowance first

        var ended = await customer.Ledger.EndSubscriptionAsync(new EndSubscription { CustomerId = customer.Id, IdempotencyKey = customer.NextKey(), PlanId = "free" });

        Assert.Equal(LedgerOutcome.Applied, ended.Outcome);
        Assert.Equal(800, ended.Expired);
        var balance = (await customer.Ledger.GetBalanceAsync(customer.Id))!;
        Assert.Equal((300L, false, "free"), (balance.Available, balance.OverageAllowed, balance.PlanId));
        // The purchase pays for usage; beyond it nothing is billed: the excess is written off.
        var debit = await customer.DebitAsync(350);
        Assert.Equal((300L, 0L, 50L), (debit.Debited, debit.Overage, debit.WrittenOff));
        await LedgerInvariants.AssertHoldAsync(database);
    }

    [Fact]
    public async Task Ending_again_or_reaching_the_periods_end_later_lapses_nothing_more_and_rolls_nothing_over()
    {
        await using var customer = new Customer(database);
        await customer.StartAsync("pro");
        var first = await customer.Ledger.EndSubscriptionAsync(new EndSubscription { CustomerId = customer.Id, IdempotencyKey = customer.NextKey(), PlanId = "free" });
        Assert.Equal(1000, first.Expired);

        var again = await customer.Ledger.EndSubscriptionAsync(new EndSubscription { CustomerId = customer.Id, IdempotencyKey = customer.NextKey(), PlanId = "free" });
        Assert.Equal(0, again.Expired);
        // Past the period's end and its renewal wait: the sweep finds nothing due (no second expiry, no rollover grant).
        customer.Clock.Set(Customer.PeriodEnd.AddDays(10));
        await customer.Ledger.ExpireDueAsync(customer.Id);
        Assert.Equal(0, await customer.AvailableAsync());
        await LedgerInvariants.AssertHoldAsync(database);
    }
}
