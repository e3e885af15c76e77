using Credits.Ledger.Commands;
using Credits.Ledger.Model;
using Credits.Ledger.Results;
using Credits.Ledger.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Xunit;

namespace Credits.Ledger.Tests;

/// <summary>An operator takes back N unspent credits (<see cref="RevokeCredits"/>): burn-down order, never below zero.</summary>
public class RevocationTests(LedgerDatabase database) : IClassFixture<LedgerDatabase>
{
    static RevokeCredits Revoke(Customer customer, long credits, string? key = null) =>
        new() { CustomerId = customer.Id, IdempotencyKey = key ?? customer.NextKey(), Credits = credits, Note = "correction" };

    [Fact]
    public async Task A_revocation_takes_the_credits_usage_would_have_spent_next_one_reversal_per_grant()
    {
        await using var customer = new Customer(database);
        await customer.StartAsync("free");
        var purchase = await customer.GrantAsync(100, GrantSource.Purchase);                                       // priority 40: last
        var soon = await customer.GrantAsync(100, GrantSource.Promotion, expiresAt: Customer.PeriodEnd);          // first
        var never = await customer.GrantAsync(100, GrantSource.Promotion);                                        // second

        var result = await customer.Ledger.RevokeAsync(Revoke(customer, 150));

        Assert.Equal(LedgerOutcome.Applied, result.Outcome);
        Assert.Equal(150, result.Reversed);
        Assert.Equal(150, result.Account!.Available);
        var reversals = await ReversalsAsync(customer, result.IdempotencyKey);
        Assert.Equal([(soon.GrantId, -100L), (never.GrantId, -50L)], reversals.Select(e => (e.GrantId, e.Amount)).ToList());
        Assert.DoesNotContain(reversals, e => e.GrantId == purchase.GrantId);
        await LedgerInvariants.AssertHoldAsync(database);
    }

    [Fact]
    public async Task A_revocation_never_takes_the_balance_below_zero_and_reports_what_it_took()
    {
        await using var customer = new Customer(database);
        await customer.StartAsync("hobby");                       // 200 credits
        await customer.DebitAsync(50);

        var result = await customer.Ledger.RevokeAsync(Revoke(customer, 500));

        Assert.Equal(150, result.Reversed);
        Assert.Equal(0, result.Account!.Available);
        Assert.Equal(0, result.Account.Balance);
        var nothingLeft = await customer.Ledger.RevokeAsync(Revoke(customer, 10));
        Assert.Equal(LedgerOutcome.Applied, nothingLeft.Outcome);
        Assert.Equal(0, nothingLeft.Reversed);
        Assert.Equal(0, (await customer.Ledger.GetBalanceAsync(customer.Id))!.Available);
        await LedgerInvariants.AssertHoldAsync(database);
    }

    [Fact]
    public async Task Credits_held_by_a_reservation_are_left_for_it_to_settle()
    {
        await using var customer = new Customer(database);
        await customer.StartAsync("hobby");                       // 200 credits
        var reservation = await customer.ReserveAsync(80);

        var result = await customer.Ledger.RevokeAsync(Revoke(customer, 1_000));

        Assert.Equal(120, result.Reversed);
        Assert.Equal(0, result.Account!.Available);
        var settled = await customer.Ledger.SettleAsync(new SettleReservation
        {
            CustomerId = customer.Id, IdempotencyKey = customer.NextKey(), ReservationId = reservation.ReservationId!.Value, ActualCredits = 80,
        });
        Assert.Equal((LedgerOutcome.Applied, 80L, 0L), (settled.Outcome, settled.Debited, settled.WrittenOff));
        await LedgerInvariants.AssertHoldAsync(database);
    }

    [Fact]
    public async Task The_same_key_again_takes_nothing_more_and_other_content_under_it_conflicts()
    {
        await using var customer = new Customer(database);
        await customer.StartAsync("hobby");                       // 200 credits
        var key = customer.NextKey();

        var first = await customer.Ledger.RevokeAsync(Revoke(customer, 30, key));
        var again = await customer.Ledger.RevokeAsync(Revoke(customer, 30, key));
        var other = await customer.Ledger.RevokeAsync(Revoke(customer, 40, key));

        Assert.Equal((LedgerOutcome.Applied, 30L), (first.Outcome, first.Reversed));
        Assert.Equal((LedgerOutcome.Duplicate, 30L), (again.Outcome, again.Reversed));
        Assert.Equal(LedgerOutcome.Conflict, other.Outcome);
        Assert.Equal(170, await customer.AvailableAsync());
        Assert.Single(await ReversalsAsync(customer, key));
        await LedgerInvariants.AssertHoldAsync(database);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    [InlineData(LedgerLimits.MaxCredits + 1)]
    public async Task An_amount_the_ledger_never_moves_is_invalid(long credits)
    {
        await using var customer = new Customer(database);
        await customer.StartAsync("hobby");

        var result = await customer.Ledger.RevokeAsync(Revoke(customer, credits));

        Assert.Equal(LedgerOutcome.Invalid, result.Outcome);
        Assert.Equal(200, await customer.AvailableAsync());
    }

    [Fact]
    public async Task A_customer_without_an_account_is_unknown()
    {
        await using var customer = new Customer(database);
        Assert.Equal(LedgerOutcome.UnknownCustomer, (await customer.Ledger.RevokeAsync(Revoke(customer, 5))).Outcome);
    }

    async Task<List<LedgerEntry>> ReversalsAsync(Customer customer, string key)
    {
        await using var db = database.NewContext();
        return await db.Set<LedgerEntry>().AsNoTracking()
            .Where(e => e.CustomerId == customer.Id && e.IdempotencyKey == key && e.Kind == EntryKind.Reversal)
            .OrderBy(e => e.Sequence).ToListAsync();
    }
}
