using Credits.Ledger.Commands;
using Credits.Ledger.Results;
using Credits.Ledger.Tests.Support;
using Xunit;

namespace Credits.Ledger.Tests;

/// <summary>
/// Usage is accepted up to 35 days late, as Stripe's meter events are (<see cref="DebitCredits.MaxAge"/>): older usage
/// is refused with its reason and writes nothing, while a replay of usage applied in time stays a duplicate.
/// </summary>
public class UsageHorizonTests(LedgerDatabase database) : IClassFixture<LedgerDatabase>
{
    static readonly TimeSpan Horizon = TimeSpan.FromDays(35);

    [Fact]
    public async Task Usage_older_than_35_days_is_refused_with_its_reason_and_writes_nothing()
    {
        await using var customer = new Customer(database);
        await customer.StartAsync("pro");

        var old = await customer.DebitAsync(30, key: customer.Id + "-old", occurredAt: customer.Clock.Now - Horizon - TimeSpan.FromMinutes(1));

        Assert.Equal(LedgerOutcome.Refused, old.Outcome);
        Assert.Contains("more than 35 days ago", old.Reason);
        Assert.Equal(1000, await customer.AvailableAsync());
        Assert.Equal(0L, await database.ScalarAsync<long>(
            $"SELECT count(*) FROM ledger_entries WHERE idempotency_key = '{customer.Id}-old'"));
        await LedgerInvariants.AssertHoldAsync(database);
    }

    [Fact]
    public async Task Usage_inside_35_days_is_still_charged_as_usage_of_now()
    {
        await using var customer = new Customer(database);
        await customer.StartAsync("pro");

        var late = await customer.DebitAsync(30, occurredAt: customer.Clock.Now - Horizon + TimeSpan.FromMinutes(1));

        Assert.Equal((LedgerOutcome.Applied, 30L), (late.Outcome, late.Debited));
        Assert.Equal(970, await customer.AvailableAsync());
        await LedgerInvariants.AssertHoldAsync(database);
    }

    [Fact]
    public async Task A_replay_of_usage_applied_in_time_is_a_duplicate_however_late_it_comes()
    {
        await using var customer = new Customer(database);
        await customer.StartAsync("pro");
        var occurredAt = customer.Clock.Now.AddHours(-1);
        await customer.DebitAsync(30, key: customer.Id + "-late", occurredAt: occurredAt);

        customer.Clock.Set(occurredAt + Horizon + TimeSpan.FromDays(5));
        var replay = await customer.DebitAsync(30, key: customer.Id + "-late", occurredAt: occurredAt);

        Assert.Equal((LedgerOutcome.Duplicate, 30L), (replay.Outcome, replay.Debited));
        Assert.Equal(-30L, await database.ScalarAsync<long>(
            $"SELECT sum(amount) FROM ledger_entries WHERE idempotency_key = '{customer.Id}-late'"));
        await LedgerInvariants.AssertHoldAsync(database);
    }
}
