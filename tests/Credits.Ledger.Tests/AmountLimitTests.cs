using Credits.Ledger.Commands;
using Credits.Ledger.Model;
using Credits.Ledger.Results;
using Credits.Ledger.Tests.Support;
using Xunit;

namespace Credits.Ledger.Tests;

/// <summary>
/// The ledger's own bounds (<see cref="LedgerLimits"/>), whoever calls it: the HTTP API checks them too, but a saga
/// step, a consumer or a misconfigured pack reaches the ledger without it. Past a bound nothing is written.
/// </summary>
public class AmountLimitTests(LedgerDatabase database) : IClassFixture<LedgerDatabase>
{
    const long TooMany = LedgerLimits.MaxCredits + 1;

    public static TheoryData<string> Commands => ["grant", "debit", "reserve", "settle", "reverse", "allowance", "threshold"];

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task An_amount_over_the_largest_one_operation_moves_is_invalid_and_writes_nothing(string kind)
    {
        await using var customer = new Customer(database);
        await customer.StartAsync("pro");
        var reservation = await customer.ReserveAsync(10);
        var grant = await customer.GrantAsync(10, key: customer.Id + "-pack");
        var entriesBefore = await EntriesAsync(customer);
        var key = customer.Id + "-too-many";

        LedgerCommand command = kind switch
        {
            "grant" => new GrantCredits { CustomerId = customer.Id, IdempotencyKey = key, Credits = TooMany, Source = GrantSource.Purchase },
            "debit" => new DebitCredits { CustomerId = customer.Id, IdempotencyKey = key, Credits = TooMany },
            "reserve" => new ReserveCredits { CustomerId = customer.Id, IdempotencyKey = key, Credits = TooMany, TimeToLive = TimeSpan.FromMinutes(1) },
            "settle" => new SettleReservation { CustomerId = customer.Id, IdempotencyKey = key, ReservationId = reservation.ReservationId!.Value, ActualCredits = TooMany },
            "reverse" => new ReverseGrant { CustomerId = customer.Id, IdempotencyKey = key, GrantKey = customer.Id + "-pack", Credits = TooMany },
            "allowance" => new StartPeriod
            {
                CustomerId = customer.Id, IdempotencyKey = key, PlanId = "pro", PeriodStart = Customer.PeriodEnd,
                PeriodEnd = Customer.PeriodEnd.AddMonths(1), Allowance = TooMany,
            },
            "threshold" => new SetLowBalanceThreshold { CustomerId = customer.Id, IdempotencyKey = key, Threshold = TooMany },
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
        var result = (await customer.Ledger.ApplyAsync([command])).Single();

        Assert.Equal(LedgerOutcome.Invalid, result.Outcome);
        Assert.Contains("at most 1,000,000,000", result.Reason);
        Assert.Equal(entriesBefore, await EntriesAsync(customer));
        Assert.Equal(1_000 - 10 + 10, await customer.AvailableAsync());
        Assert.NotNull(grant.GrantId);
        await LedgerInvariants.AssertHoldAsync(database);
    }

    Task<long> EntriesAsync(Customer customer) =>
        database.ScalarAsync<long>($"SELECT count(*) FROM ledger_entries WHERE customer_id = '{customer.Id}'");

}

/// <summary>
/// The ceilings behind the bounds, reached by writing an account's totals directly: its own database, since such an
/// account breaks the invariants the other ledger tests check across their database.
/// </summary>
public class LedgerCeilingTests(LedgerDatabase database) : IClassFixture<LedgerDatabase>
{
    [Fact]
    public async Task A_grant_that_would_lift_the_balance_past_the_account_ceiling_is_refused()
    {
        await using var customer = new Customer(database);
        await customer.StartAsync("hobby");
        // A million of the largest grants, short of ten credits, without making them one by one.
        await database.ExecuteAsync($"UPDATE ledger_accounts SET balance = {LedgerLimits.MaxBalance - 10} WHERE customer_id = '{customer.Id}'");

        var refused = await customer.Ledger.GrantAsync(new GrantCredits
        {
            CustomerId = customer.Id, IdempotencyKey = customer.Id + "-over", Credits = 11, Source = GrantSource.Purchase,
        });

        Assert.Equal(LedgerOutcome.Refused, refused.Outcome);
        Assert.Equal(LedgerLimits.MaxBalance - 10, await BalanceAsync(customer));
        Assert.Equal(0L, await database.ScalarAsync<long>($"SELECT count(*) FROM ledger_entries WHERE idempotency_key = '{customer.Id}-over'"));
        var fits = await customer.GrantAsync(10);
        Assert.Equal(LedgerLimits.MaxBalance, fits.Account!.Balance);
    }

    [Fact]
    public async Task A_sum_that_would_overflow_fails_the_operation_instead_of_wrapping()
    {
        await using var customer = new Customer(database);
        await customer.StartAsync("pro", allowance: 0);
        // A period's overage a few credits short of what a long holds: only a corrupted row gets here, and the
        // next overage must not wrap it into a negative bill.
        await database.ExecuteAsync($"UPDATE ledger_accounts SET overage_this_period = {long.MaxValue - 5} WHERE customer_id = '{customer.Id}'");
        var entriesBefore = await EntriesAsync(customer);

        await Assert.ThrowsAsync<OverflowException>(() => customer.DebitAsync(10));

        Assert.Equal(long.MaxValue - 5, await database.ScalarAsync<long>(
            $"SELECT overage_this_period FROM ledger_accounts WHERE customer_id = '{customer.Id}'"));
        Assert.Equal(entriesBefore, await EntriesAsync(customer));
    }

    Task<long> EntriesAsync(Customer customer) =>
        database.ScalarAsync<long>($"SELECT count(*) FROM ledger_entries WHERE customer_id = '{customer.Id}'");

    Task<long> BalanceAsync(Customer customer) =>
        database.ScalarAsync<long>($"SELECT balance FROM ledger_accounts WHERE customer_id = '{customer.Id}'");
}
