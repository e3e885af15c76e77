using Credits.Ledger.Commands;
using Credits.Ledger.Model;
using Credits.Ledger.Results;
using Credits.Ledger.Tests.Support;
using Xunit;

namespace Credits.Ledger.Tests;

public class PeriodTests(LedgerDatabase database) : IClassFixture<LedgerDatabase>
{
    static readonly DateTimeOffset NextEnd = new(2027, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Without_a_renewal_the_allowance_lapses_in_the_sweep_after_the_renewal_wait_and_is_no_low_balance_crossing()
    {
        await using var customer = new Customer(database);
        await customer.StartAsync("hobby");
        await customer.DebitAsync(50);
        customer.Clock.Set(Customer.PeriodEnd.AddSeconds(1));
        // Not available for new usage from the period end, but kept for late usage and the renewal.
        Assert.Equal(0, await customer.AvailableAsync());
        Assert.DoesNotContain(customer.Id, await customer.Ledger.FindAccountsWithDueExpiryAsync());
        customer.Clock.Set(Customer.PeriodEnd.AddDays(3).AddSeconds(1));

        Assert.Contains(customer.Id, await customer.Ledger.FindAccountsWithDueExpiryAsync());
        var swept = await customer.Ledger.ExpireDueAsync(customer.Id);

        Assert.Equal(0, swept.Account!.Available);
        // The balance left at the period end; a lapse is not a crossing (it must never buy an auto top-up).
        Assert.Empty(swept.ThresholdsCrossed);
        Assert.False(swept.Exhausted);
        Assert.Equal(150L, await database.ScalarAsync<long>($"SELECT quantity FROM ledger_entries WHERE customer_id = '{customer.Id}' AND kind = 'Expiry'"));
        Assert.Equal(0, (await customer.Ledger.ExpireDueAsync(customer.Id)).Account!.Balance);
        await LedgerInvariants.AssertHoldAsync(database);
    }

    [Fact]
    public async Task Unspent_allowance_rolls_over_up_to_the_cap_and_the_renewal_adds_the_new_allowance()
    {
        await using var customer = new Customer(database);
        await customer.StartAsync("pro");                        // 1000, rollover cap 300
        await customer.DebitAsync(200);
        customer.Clock.Set(Customer.PeriodEnd.AddSeconds(1));
        var renewal = await customer.StartAsync("pro", start: Customer.PeriodEnd, end: NextEnd);
        Assert.Equal(1000, renewal.Account!.Available);          // the old allowance waits for late usage

        customer.Clock.Set(Customer.PeriodEnd.AddHours(1));      // the late-usage grace is over
        Assert.Equal(1300, (await customer.Ledger.ExpireDueAsync(customer.Id)).Account!.Available);
        var balance = await customer.Ledger.GetBalanceAsync(customer.Id);
        Assert.Equal(300, balance!.BySource[GrantSource.Rollover]);
        Assert.Equal(1000, balance.BySource[GrantSource.PlanAllowance]);
        // The rollover burns first and lapses with the new period.
        await customer.DebitAsync(100);
        Assert.Equal(200, (await customer.Ledger.GetBalanceAsync(customer.Id))!.BySource[GrantSource.Rollover]);

        customer.Clock.Set(NextEnd.AddSeconds(1));
        await customer.StartAsync("pro", start: NextEnd, end: NextEnd.AddMonths(1));
        customer.Clock.Set(NextEnd.AddHours(1));
        await customer.Ledger.ExpireDueAsync(customer.Id);
        // Rollover credits do not roll again; the December allowance rolls over up to the cap.
        Assert.Equal(1300, await customer.AvailableAsync());
        await LedgerInvariants.AssertHoldAsync(database);
    }

    [Fact]
    public async Task A_renewal_before_the_sweep_lapses_the_old_allowance_itself()
    {
        await using var customer = new Customer(database);
        await customer.StartAsync("hobby");
        await customer.DebitAsync(120);
        customer.Clock.Set(Customer.PeriodEnd.AddMinutes(1));

        var renewal = await customer.StartAsync("hobby", start: Customer.PeriodEnd, end: NextEnd);

        Assert.Equal(200, renewal.Account!.Available);
        Assert.Empty(await customer.Ledger.FindAccountsWithDueExpiryAsync());
        await LedgerInvariants.AssertHoldAsync(database);
    }

    [Fact]
    public async Task A_downgrade_at_the_period_end_stops_overage_and_resets_the_period_figures()
    {
        await using var customer = new Customer(database);
        await customer.StartAsync("pro");
        await customer.DebitAsync(1100);
        Assert.Equal(100, (await customer.Ledger.GetBalanceAsync(customer.Id))!.OverageThisPeriod);
        customer.Clock.Set(Customer.PeriodEnd);

        await customer.StartAsync("hobby", start: Customer.PeriodEnd, end: NextEnd);
        var debit = await customer.DebitAsync(250);

        Assert.Equal((200L, 0L, 50L), (debit.Debited, debit.Overage, debit.WrittenOff));
        var period = await customer.Ledger.GetCurrentPeriodAsync(customer.Id);
        Assert.Equal(("hobby", 200L, 200L, 0L, 50L), (period!.PlanId, period.Granted, period.Debited, period.Overage, period.WrittenOff));
        Assert.Equal(0, (await customer.Ledger.GetBalanceAsync(customer.Id))!.OverageThisPeriod);
        await LedgerInvariants.AssertHoldAsync(database);
    }

    [Fact]
    public async Task An_upgrade_mid_period_grants_the_prorated_allowance_at_once()
    {
        await using var customer = new Customer(database);
        await customer.StartAsync("hobby");
        await customer.DebitAsync(200);

        var upgrade = await customer.StartAsync("pro", allowance: 600);

        Assert.Equal(("pro", 600L), (upgrade.Account!.PlanId, upgrade.Account.Available));
        Assert.Equal(100, (await customer.DebitAsync(700)).Overage);
    }

    [Fact]
    public async Task Overage_is_reported_once_per_report_key_and_only_new_overage_is_reported_next()
    {
        await using var customer = new Customer(database);
        await customer.StartAsync("pro");
        await customer.DebitAsync(1040);

        var first = Assert.Single(await customer.Ledger.GetUnreportedOverageAsync(customer.Id));
        Assert.Equal(40, first.Quantity);
        Assert.True(await customer.Ledger.MarkOverageReportedAsync(first));
        Assert.False(await customer.Ledger.MarkOverageReportedAsync(first));
        Assert.Empty(await customer.Ledger.GetUnreportedOverageAsync(customer.Id));

        await customer.DebitAsync(7);
        var second = Assert.Single(await customer.Ledger.GetUnreportedOverageAsync(customer.Id));
        Assert.Equal(7, second.Quantity);
        Assert.NotEqual(first.ReportKey, second.ReportKey);
        Assert.Contains(await customer.Ledger.GetUnreportedOverageAsync(), o => o.CustomerId == customer.Id);
    }

    [Fact]
    public async Task Entries_page_newest_first_with_a_stable_cursor()
    {
        await using var customer = new Customer(database);
        await customer.StartAsync("hobby");
        for (var i = 0; i < 5; i++) await customer.DebitAsync(1);

        var page1 = await customer.Ledger.GetEntriesAsync(customer.Id, limit: 4);
        await customer.DebitAsync(1);                            // arrives between pages: not in page 2
        var page2 = await customer.Ledger.GetEntriesAsync(customer.Id, page1.NextBefore, limit: 4);

        Assert.Equal(4, page1.Entries.Count);
        Assert.Equal([EntryKind.Debit, EntryKind.Grant], page2.Entries.Select(e => e.Kind));
        Assert.Null(page2.NextBefore);
        Assert.True(page1.Entries.Zip(page1.Entries.Skip(1)).All(p => p.First.Id > p.Second.Id));
    }

    [Fact]
    public async Task A_period_for_an_unconfigured_plan_is_invalid()
    {
        await using var customer = new Customer(database);
        var result = await customer.Ledger.StartPeriodAsync(new StartPeriod
        {
            CustomerId = customer.Id, IdempotencyKey = customer.NextKey(), PlanId = "enterprise",
            PeriodStart = Customer.PeriodStart, PeriodEnd = Customer.PeriodEnd,
        });
        Assert.Equal(LedgerOutcome.Invalid, result.Outcome);
        Assert.Null(await customer.Ledger.GetBalanceAsync(customer.Id));
    }
}
