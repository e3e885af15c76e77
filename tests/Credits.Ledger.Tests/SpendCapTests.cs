using Credits.Contracts.Ledger;
using Credits.Ledger.Commands;
using Credits.Ledger.Results;
using Credits.Ledger.Tests.Support;
using Xunit;

namespace Credits.Ledger.Tests;

/// <summary>Spend caps (docs/spend-caps.md): the most overage a period bills; beyond it usage is written off.</summary>
public class SpendCapTests(LedgerDatabase database) : IClassFixture<LedgerDatabase>
{
    static readonly DateTimeOffset NextEnd = new(2027, 1, 1, 0, 0, 0, TimeSpan.Zero);

    static Task<LedgerResult> CapAsync(Customer customer, long? cap) =>
        customer.Ledger.SetSpendCapAsync(new SetSpendCap { CustomerId = customer.Id, IdempotencyKey = $"spend-cap:{customer.Id}", OverageCap = cap });

    async Task<long> SumAsync(Customer customer, string kind) =>
        await database.ScalarAsync<long>($"SELECT coalesce(sum(quantity), 0)::bigint FROM ledger_entries WHERE customer_id = '{customer.Id}' AND kind = '{kind}'");

    [Fact]
    public async Task Overage_stops_at_exactly_the_cap_and_the_rest_is_written_off()
    {
        await using var customer = new Customer(database);
        await customer.StartAsync("pro");                                   // 1000 credits
        await CapAsync(customer, 100);

        var crossing = await customer.DebitAsync(1070);                     // 70 of overage
        var over = await customer.DebitAsync(50);                           // 30 more reach the cap, 20 written off
        var after = await customer.DebitAsync(10);                          // all written off

        Assert.Equal((1000L, 70L, 0L), (crossing.Debited, crossing.Overage, crossing.WrittenOff));
        Assert.Equal((0L, 30L, 20L), (over.Debited, over.Overage, over.WrittenOff));
        Assert.Equal((0L, 0L, 10L), (after.Debited, after.Overage, after.WrittenOff));
        var balance = await customer.Ledger.GetBalanceAsync(customer.Id);
        Assert.Equal(100, balance!.OverageThisPeriod);
        Assert.False(balance.OverageAllowed);
        Assert.Equal(0, balance.OverageRoom);
        Assert.Equal(100, Assert.Single(await customer.Ledger.GetUnreportedOverageAsync(customer.Id)).Quantity);
        Assert.Equal(30, await SumAsync(customer, "WriteOff"));
        await LedgerInvariants.AssertHoldAsync(database);
    }

    [Fact]
    public async Task Alerts_at_50_80_and_100_percent_are_reported_once_each_and_the_cap_reached_once()
    {
        await using var customer = new Customer(database);
        await customer.StartAsync("pro");
        await CapAsync(customer, 100);
        await customer.DebitAsync(1000);                                    // the allowance: no overage yet

        Assert.Empty((await customer.DebitAsync(49)).SpendCapAlerts);
        var half = await customer.DebitAsync(1);                            // 50
        Assert.Equal([50], half.SpendCapAlerts);
        Assert.Empty((await customer.DebitAsync(10)).SpendCapAlerts);       // 60
        var both = await customer.DebitAsync(40);                           // 100: 80 and 100 at once
        Assert.Equal([80, 100], both.SpendCapAlerts);
        Assert.True(both.SpendCapReached);
        var again = await customer.DebitAsync(5);                           // written off: nothing new
        Assert.Empty(again.SpendCapAlerts);
        Assert.False(again.SpendCapReached);

        var messages = both.BalanceNotifications(customer.Clock.Now);
        Assert.Equal([80, 100], messages.OfType<SpendCapAlert>().Select(a => a.Percent));
        var reached = Assert.Single(messages.OfType<SpendCapReached>());
        Assert.Equal((100L, 100L, "pro"), (reached.OverageCap, reached.OverageThisPeriod, reached.PlanId));
        Assert.Empty(again.BalanceNotifications(customer.Clock.Now));
        await LedgerInvariants.AssertHoldAsync(database);
    }

    [Fact]
    public async Task A_repeated_debit_is_a_duplicate_and_counts_neither_overage_nor_alerts_twice()
    {
        await using var customer = new Customer(database);
        await customer.StartAsync("pro");
        await CapAsync(customer, 100);
        var key = customer.NextKey();

        var first = await customer.DebitAsync(1080, key);                   // 80 of overage
        var repeat = await customer.DebitAsync(1080, key);

        Assert.Equal([50, 80], first.SpendCapAlerts);
        Assert.Equal(LedgerOutcome.Duplicate, repeat.Outcome);
        Assert.Empty(repeat.SpendCapAlerts);
        Assert.Empty(repeat.BalanceNotifications(customer.Clock.Now));
        Assert.Equal(80, (await customer.Ledger.GetBalanceAsync(customer.Id))!.OverageThisPeriod);
        // Room for 20 more, not 100 - 160.
        Assert.Equal((20L, 5L), ((await customer.DebitAsync(25)).Overage, (await customer.DebitAsync(5)).WrittenOff));
        await LedgerInvariants.AssertHoldAsync(database);
    }

    [Fact]
    public async Task Raising_the_cap_resumes_overage_at_once_and_rearms_the_levels()
    {
        await using var customer = new Customer(database);
        await customer.StartAsync("pro");
        await CapAsync(customer, 100);
        Assert.True((await customer.DebitAsync(1150)).SpendCapReached);    // 100 overage, 50 written off

        var raised = await CapAsync(customer, 400);                         // 25 %: every level re-armed
        Assert.Empty(raised.SpendCapAlerts);
        Assert.True(raised.Account!.OverageAllowed);
        var resumed = await customer.DebitAsync(100);                       // 200 = 50 %
        Assert.Equal((100L, 0L), (resumed.Overage, resumed.WrittenOff));
        Assert.Equal([50], resumed.SpendCapAlerts);

        var removed = await CapAsync(customer, null);
        Assert.Null(removed.Account!.OverageCap);
        Assert.Equal(5000, (await customer.DebitAsync(5000)).Overage);
        await LedgerInvariants.AssertHoldAsync(database);
    }

    [Fact]
    public async Task Lowering_the_cap_below_what_is_used_stops_at_once_and_reports_it_reached()
    {
        await using var customer = new Customer(database);
        await customer.StartAsync("pro");
        await customer.DebitAsync(1300);                                    // 300 of overage, no cap

        var lowered = await CapAsync(customer, 200);

        Assert.True(lowered.SpendCapReached);
        Assert.Equal([50, 80, 100], lowered.SpendCapAlerts);
        Assert.Single(lowered.BalanceNotifications(customer.Clock.Now).OfType<SpendCapReached>());
        Assert.False(lowered.Account!.OverageAllowed);
        var next = await customer.DebitAsync(10);
        Assert.Equal((0L, 10L), (next.Overage, next.WrittenOff));
        // Setting the same cap again reports nothing new.
        Assert.False((await CapAsync(customer, 200)).SpendCapReached);
        await LedgerInvariants.AssertHoldAsync(database);
    }

    [Fact]
    public async Task A_new_period_starts_the_cap_from_zero()
    {
        await using var customer = new Customer(database);
        await customer.StartAsync("pro");
        await CapAsync(customer, 100);
        Assert.True((await customer.DebitAsync(1100)).SpendCapReached);

        customer.Clock.Set(Customer.PeriodEnd.AddHours(2));
        await customer.StartAsync("pro", start: Customer.PeriodEnd, end: NextEnd);
        await customer.Ledger.ExpireDueAsync(customer.Id);
        var december = await customer.DebitAsync(1100);                     // the new allowance, then 100 of overage again

        Assert.Equal((1000L, 100L, 0L), (december.Debited, december.Overage, december.WrittenOff));
        Assert.Equal([50, 80, 100], december.SpendCapAlerts);
        Assert.True(december.SpendCapReached);
        await LedgerInvariants.AssertHoldAsync(database);
    }

    [Fact]
    public async Task Late_usage_of_the_previous_period_counts_against_that_periods_cap()
    {
        await using var customer = new Customer(database);
        await customer.StartAsync("pro");
        await CapAsync(customer, 100);
        await customer.DebitAsync(1090);                                    // November: 90 of overage
        customer.Clock.Set(Customer.PeriodEnd.AddMinutes(10));
        await customer.StartAsync("pro", start: Customer.PeriodEnd, end: NextEnd);

        var late = await customer.DebitAsync(30, occurredAt: Customer.PeriodEnd.AddMinutes(-1));

        Assert.Equal((10L, 20L), (late.Overage, late.WrittenOff));
        Assert.Equal(0, late.Account!.OverageThisPeriod);                  // December's cap is untouched
        Assert.Equal(100L, await database.ScalarAsync<long>(
            $"SELECT overage_previous_period FROM ledger_accounts WHERE customer_id = '{customer.Id}'"));
        await LedgerInvariants.AssertHoldAsync(database);
    }

    [Fact]
    public async Task Entitlement_allows_overage_only_up_to_the_cap_and_names_the_cap_when_it_refuses()
    {
        await using var customer = new Customer(database);
        await customer.StartAsync("pro");
        await CapAsync(customer, 100);
        await customer.DebitAsync(1060);                                    // 60 of overage: 40 left

        var within = await customer.Ledger.CheckEntitlementAsync(customer.Id, 40);
        var beyond = await customer.Ledger.CheckEntitlementAsync(customer.Id, 41);
        Assert.True(within!.Allowed);
        Assert.True(within.WouldUseOverage);
        Assert.Equal(40, within.OverageRoom);
        Assert.False(beyond!.Allowed);
        Assert.Contains("spend cap", beyond.Reason);

        await customer.DebitAsync(40);
        var reached = await customer.Ledger.CheckEntitlementAsync(customer.Id, 1);
        Assert.False(reached!.Allowed);
        Assert.Contains("spend cap of 100", reached.Reason);
        await CapAsync(customer, 150);
        Assert.True((await customer.Ledger.CheckEntitlementAsync(customer.Id, 50))!.Allowed);
    }

    [Fact]
    public async Task A_settlement_past_the_cap_writes_off_the_rest_and_a_refused_reservation_names_the_cap()
    {
        await using var customer = new Customer(database);
        await customer.StartAsync("pro");
        await CapAsync(customer, 100);
        var reservation = await customer.ReserveAsync(1000);

        var settled = await customer.Ledger.SettleAsync(new SettleReservation
        {
            CustomerId = customer.Id, IdempotencyKey = customer.NextKey(), ReservationId = reservation.ReservationId!.Value, ActualCredits = 1250,
        });

        Assert.Equal((1000L, 100L, 150L), (settled.Debited, settled.Overage, settled.WrittenOff));
        Assert.True(settled.SpendCapReached);
        var refused = await customer.ReserveAsync(10);
        Assert.Equal(LedgerOutcome.Refused, refused.Outcome);
        Assert.Contains("spend cap of 100", refused.Reason);
        await LedgerInvariants.AssertHoldAsync(database);
    }

    [Fact]
    public async Task A_cap_on_a_plan_without_overage_changes_nothing_and_reports_nothing()
    {
        await using var customer = new Customer(database);
        await customer.StartAsync("hobby");

        var set = await CapAsync(customer, 0);
        var debit = await customer.DebitAsync(250);

        Assert.Empty(set.SpendCapAlerts);
        Assert.Equal((200L, 0L, 50L), (debit.Debited, debit.Overage, debit.WrittenOff));
        Assert.Empty(debit.SpendCapAlerts);
        Assert.Equal(0, (await customer.Ledger.GetBalanceAsync(customer.Id))!.OverageCap);
    }

    [Fact]
    public async Task A_negative_or_oversized_cap_is_invalid()
    {
        await using var customer = new Customer(database);
        await customer.StartAsync("pro");

        Assert.Equal(LedgerOutcome.Invalid, (await CapAsync(customer, -1)).Outcome);
        Assert.Equal(LedgerOutcome.Invalid, (await CapAsync(customer, LedgerLimits.MaxSpendCap + 1)).Outcome);
        Assert.Equal(LedgerOutcome.Applied, (await CapAsync(customer, LedgerLimits.MaxSpendCap)).Outcome);
    }
}
