using Credits.Ledger.Commands;
using Credits.Ledger.Results;
using Credits.Ledger.Tests.Support;
using Xunit;

namespace Credits.Ledger.Tests;

public class ReservationTests(LedgerDatabase database) : IClassFixture<LedgerDatabase>
{
    [Fact]
    public async Task A_reservation_larger_than_available_is_refused_without_side_effects()
    {
        await using var customer = new Customer(database);
        await customer.StartAsync("hobby");
        await customer.ReserveAsync(150);

        var refused = await customer.ReserveAsync(60, key: "too-much");

        Assert.Equal(LedgerOutcome.Refused, refused.Outcome);
        Assert.Equal(50, await customer.AvailableAsync());
        Assert.Equal(0L, await database.ScalarAsync<long>("SELECT count(*) FROM ledger_entries WHERE idempotency_key = 'too-much'"));
        // Refusal leaves the key unused: once credits are there, the same request succeeds.
        await customer.GrantAsync(10);
        Assert.Equal(LedgerOutcome.Applied, (await customer.ReserveAsync(60, key: "too-much")).Outcome);
        await LedgerInvariants.AssertHoldAsync(database);
    }

    [Fact]
    public async Task Held_credits_are_not_spendable_by_usage()
    {
        await using var customer = new Customer(database);
        await customer.StartAsync("hobby");
        await customer.ReserveAsync(180);

        var debit = await customer.DebitAsync(30);

        Assert.Equal((20L, 10L), (debit.Debited, debit.WrittenOff));
        var entitlement = await customer.Ledger.CheckEntitlementAsync(customer.Id, 1);
        Assert.False(entitlement!.Allowed);
        await LedgerInvariants.AssertHoldAsync(database);
    }

    [Theory]
    [InlineData(40, 160, 0)]     // less than held: the rest comes back
    [InlineData(100, 100, 0)]
    [InlineData(260, 0, 60)]     // more than held: burns beyond the hold, the rest written off
    public async Task Settling_debits_the_actual_amount(long actual, long availableAfter, long writtenOff)
    {
        await using var customer = new Customer(database);
        await customer.StartAsync("hobby");
        var reservation = await customer.ReserveAsync(100);

        var settled = await customer.Ledger.SettleAsync(new SettleReservation
        {
            CustomerId = customer.Id, IdempotencyKey = customer.NextKey(), ReservationId = reservation.ReservationId!.Value, ActualCredits = actual,
        });

        Assert.Equal(LedgerOutcome.Applied, settled.Outcome);
        Assert.Equal(100, settled.Released);
        Assert.Equal(writtenOff, settled.WrittenOff);
        Assert.Equal(availableAfter, await customer.AvailableAsync());
        var second = await customer.Ledger.SettleAsync(new SettleReservation
        {
            CustomerId = customer.Id, IdempotencyKey = customer.NextKey(), ReservationId = reservation.ReservationId!.Value, ActualCredits = actual,
        });
        Assert.Equal(LedgerOutcome.Refused, second.Outcome);
        await LedgerInvariants.AssertHoldAsync(database);
    }

    [Fact]
    public async Task Releasing_gives_the_credits_back()
    {
        await using var customer = new Customer(database);
        await customer.StartAsync("hobby");
        var reservation = await customer.ReserveAsync(100);

        var released = await customer.Ledger.ReleaseAsync(new ReleaseReservation
        {
            CustomerId = customer.Id, IdempotencyKey = customer.NextKey(), ReservationId = reservation.ReservationId!.Value,
        });

        Assert.Equal(100, released.Released);
        Assert.Equal(200, await customer.AvailableAsync());
        await LedgerInvariants.AssertHoldAsync(database);
    }

    [Fact]
    public async Task A_forgotten_hold_expires_in_the_sweep_and_a_late_settle_still_debits()
    {
        await using var customer = new Customer(database);
        await customer.StartAsync("hobby");
        var reservation = await customer.ReserveAsync(100, ttl: TimeSpan.FromMinutes(1));
        customer.Clock.Advance(TimeSpan.FromMinutes(2));

        Assert.Contains(customer.Id, await customer.Ledger.FindAccountsWithDueExpiryAsync());
        var swept = await customer.Ledger.ExpireDueAsync(customer.Id);
        var sweptAgain = await customer.Ledger.ExpireDueAsync(customer.Id);

        Assert.Equal(200, swept.Account!.Available);
        Assert.Equal(200, sweptAgain.Account!.Available);
        Assert.DoesNotContain(customer.Id, await customer.Ledger.FindAccountsWithDueExpiryAsync());
        var late = await customer.Ledger.SettleAsync(new SettleReservation
        {
            CustomerId = customer.Id, IdempotencyKey = customer.NextKey(), ReservationId = reservation.ReservationId!.Value, ActualCredits = 70,
        });
        Assert.Equal((0L, 70L), (late.Released, late.Debited));
        Assert.Equal(130, await customer.AvailableAsync());
        await LedgerInvariants.AssertHoldAsync(database);
    }

    [Fact]
    public async Task Entitlement_answers_from_the_same_numbers()
    {
        await using var hobby = new Customer(database);
        await using var pro = new Customer(database);
        await hobby.StartAsync("hobby");
        await pro.StartAsync("pro");
        await hobby.ReserveAsync(150);

        Assert.True((await hobby.Ledger.CheckEntitlementAsync(hobby.Id, 50))!.Allowed);
        var no = await hobby.Ledger.CheckEntitlementAsync(hobby.Id, 51);
        Assert.False(no!.Allowed);
        Assert.NotNull(no.Reason);
        var overage = await pro.Ledger.CheckEntitlementAsync(pro.Id, 5000);
        Assert.True(overage!.Allowed);
        Assert.True(overage.WouldUseOverage);
        Assert.Null(await hobby.Ledger.CheckEntitlementAsync("cus_nobody", 1));
    }
}
