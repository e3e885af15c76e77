using Credits.Ledger.Commands;
using Credits.Ledger.Model;
using Credits.Ledger.Results;
using Credits.Ledger.Tests.Support;
using Xunit;

namespace Credits.Ledger.Tests;

/// <summary>
/// Usage, reservations and renewals around the end of a billing period (docs/boundaries/periods.md):
/// usage is charged to the period of its OccurredAt while that period's late-usage grace (1 hour) lasts.
/// </summary>
public class PeriodBoundaryTests(LedgerDatabase database) : IClassFixture<LedgerDatabase>
{
    static readonly DateTimeOffset OldEnd = Customer.PeriodEnd;
    static readonly DateTimeOffset NextEnd = new(2027, 1, 1, 0, 0, 0, TimeSpan.Zero);
    static readonly TimeSpan Grace = TimeSpan.FromHours(1);

    [Fact]
    public async Task Late_usage_of_the_old_period_burns_the_old_allowance_and_its_overage_belongs_to_the_old_period()
    {
        await using var customer = new Customer(database);
        await customer.StartAsync("pro");                       // 1000 included, overage allowed
        await customer.DebitAsync(900);
        customer.Clock.Set(OldEnd.AddMinutes(2));
        await customer.StartAsync("pro", start: OldEnd, end: NextEnd);   // the renewal, opened at the roll

        // Used at 23:55 in the old period, reported 20 minutes after the roll.
        customer.Clock.Set(OldEnd.AddMinutes(20));
        var late = await customer.DebitAsync(150, occurredAt: OldEnd.AddMinutes(-5));

        Assert.Equal((100L, 50L), (late.Debited, late.Overage));
        Assert.Equal(50L, await database.ScalarAsync<long>(
            $"SELECT sum(quantity) FROM ledger_entries WHERE customer_id = '{customer.Id}' AND kind = 'Overage' AND period_start = '{Customer.PeriodStart:O}'"));
        var balance = (await customer.Ledger.GetBalanceAsync(customer.Id))!;
        Assert.Equal(1000, balance.Available);                  // the new allowance is whole
        Assert.Equal(0, balance.OverageThisPeriod);              // the new period has no overage
        await LedgerInvariants.AssertHoldAsync(database);
    }

    [Fact]
    public async Task The_old_allowance_is_not_shown_as_available_during_the_grace_and_rolls_over_when_it_ends()
    {
        await using var customer = new Customer(database);
        await customer.StartAsync("pro");                       // rollover cap 300
        await customer.DebitAsync(800);
        customer.Clock.Set(OldEnd.AddMinutes(1));
        await customer.StartAsync("pro", start: OldEnd, end: NextEnd);

        Assert.Equal(1000, await customer.AvailableAsync());
        Assert.Empty(await customer.Ledger.FindAccountsWithDueExpiryAsync());

        customer.Clock.Set(OldEnd + Grace);
        Assert.Contains(customer.Id, await customer.Ledger.FindAccountsWithDueExpiryAsync());
        await customer.Ledger.ExpireDueAsync(customer.Id);
        var balance = (await customer.Ledger.GetBalanceAsync(customer.Id))!;
        Assert.Equal((1000L, 200L), (balance.BySource[GrantSource.PlanAllowance], balance.BySource[GrantSource.Rollover]));
        await LedgerInvariants.AssertHoldAsync(database);
    }

    [Fact]
    public async Task A_rollover_carries_the_real_next_period_even_when_the_renewal_arrives_after_the_period_end()
    {
        await using var customer = new Customer(database);
        await customer.StartAsync("pro");
        await customer.DebitAsync(900);
        // The sweep runs at the period end, before Stripe's renewal is known.
        customer.Clock.Set(OldEnd.AddSeconds(1));
        await customer.Ledger.ExpireDueAsync(customer.Id);
        // The real next period is not a calendar month (the billing anchor moved): Dec 1 - Dec 15.
        var realEnd = OldEnd.AddDays(14);
        customer.Clock.Set(OldEnd.AddMinutes(5));
        await customer.StartAsync("pro", start: OldEnd, end: realEnd);
        customer.Clock.Set(OldEnd + Grace + TimeSpan.FromMinutes(1));
        await customer.Ledger.ExpireDueAsync(customer.Id);

        var rollover = await database.ScalarAsync<DateTime>(
            $"SELECT expires_at FROM ledger_grants WHERE customer_id = '{customer.Id}' AND source = 'Rollover'");
        Assert.Equal(realEnd.UtcDateTime, rollover.ToUniversalTime());
        Assert.Equal(1100, await customer.AvailableAsync());
        await LedgerInvariants.AssertHoldAsync(database);
    }

    [Fact]
    public async Task A_late_start_of_an_older_period_never_moves_the_account_back()
    {
        await using var customer = new Customer(database);
        await customer.StartAsync("pro");
        customer.Clock.Set(OldEnd.AddMinutes(1));
        await customer.StartAsync("pro", start: OldEnd, end: NextEnd);

        // The first period's StartPeriod again, under another key (a late invoice.paid of the older period).
        var stale = await customer.Ledger.StartPeriodAsync(new StartPeriod
        {
            CustomerId = customer.Id, IdempotencyKey = customer.NextKey(), PlanId = "pro",
            PeriodStart = Customer.PeriodStart, PeriodEnd = OldEnd,
        });

        Assert.Equal(LedgerOutcome.Applied, stale.Outcome);
        Assert.Equal(0, stale.Granted);
        Assert.Equal((OldEnd, NextEnd), (stale.Account!.PeriodStart, stale.Account.PeriodEnd));
        Assert.Equal(1000, await customer.AvailableAsync());
        await LedgerInvariants.AssertHoldAsync(database);
    }

    [Fact]
    public async Task Usage_older_than_the_grace_is_charged_to_the_current_period()
    {
        await using var customer = new Customer(database);
        await customer.StartAsync("pro");
        customer.Clock.Set(OldEnd.AddMinutes(1));
        await customer.StartAsync("pro", start: OldEnd, end: NextEnd);
        customer.Clock.Set(OldEnd + Grace + TimeSpan.FromMinutes(5));

        var stale = await customer.DebitAsync(30, occurredAt: OldEnd.AddMinutes(-30));

        Assert.Equal(30, stale.Debited);
        Assert.Equal(1000 + 300 - 30, await customer.AvailableAsync());   // the new allowance and the rollover, rollover first
        Assert.Equal(0L, await database.ScalarAsync<long>(
            $"SELECT count(*) FROM ledger_entries WHERE customer_id = '{customer.Id}' AND kind = 'Debit' AND period_start <> '{OldEnd:O}'"));
        await LedgerInvariants.AssertHoldAsync(database);
    }

    [Fact]
    public async Task A_reservation_made_before_the_roll_and_settled_within_the_grace_burns_the_old_allowance()
    {
        await using var customer = new Customer(database);
        await customer.StartAsync("pro");
        await customer.DebitAsync(950);
        customer.Clock.Set(OldEnd.AddMinutes(-3));
        var reservation = await customer.ReserveAsync(50, ttl: TimeSpan.FromMinutes(30));
        customer.Clock.Set(OldEnd.AddMinutes(1));
        await customer.StartAsync("pro", start: OldEnd, end: NextEnd);
        customer.Clock.Set(OldEnd.AddMinutes(10));

        var settled = await customer.Ledger.SettleAsync(new SettleReservation
        {
            CustomerId = customer.Id, IdempotencyKey = customer.NextKey(), ReservationId = reservation.ReservationId!.Value, ActualCredits = 60,
        });

        Assert.Equal((50L, 10L), (settled.Debited, settled.Overage));
        Assert.Equal(1000, await customer.AvailableAsync());
        Assert.Equal(0, (await customer.Ledger.GetBalanceAsync(customer.Id))!.OverageThisPeriod);
        await LedgerInvariants.AssertHoldAsync(database);
    }

    [Fact]
    public async Task Usage_after_the_period_end_before_the_renewal_is_known_is_never_overage_of_the_old_period()
    {
        await using var customer = new Customer(database);
        await customer.StartAsync("pro");
        await customer.DebitAsync(1000);
        customer.Clock.Set(OldEnd.AddMinutes(3));

        var early = await customer.DebitAsync(10, occurredAt: OldEnd.AddMinutes(2));
        Assert.Equal(10, early.Overage);
        Assert.Equal(0L, await database.ScalarAsync<long>(
            $"SELECT count(*) FROM ledger_entries WHERE customer_id = '{customer.Id}' AND kind = 'Overage' AND period_start = '{Customer.PeriodStart:O}'"));
        await LedgerInvariants.AssertHoldAsync(database);

        await customer.StartAsync("pro", start: OldEnd, end: NextEnd);
        Assert.Equal(10, (await customer.Ledger.GetBalanceAsync(customer.Id))!.OverageThisPeriod);
        await LedgerInvariants.AssertHoldAsync(database);
    }
}
