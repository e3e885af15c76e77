using Credits.Ledger.Commands;
using Credits.Ledger.Model;
using Credits.Ledger.Results;
using Credits.Ledger.Tests.Support;
using Credits.Ledger.Usage;
using Xunit;

namespace Credits.Ledger.Tests;

public class IdempotencyTests(LedgerDatabase database) : IClassFixture<LedgerDatabase>
{
    [Fact]
    public async Task The_same_key_again_returns_the_original_outcome_and_changes_nothing()
    {
        await using var customer = new Customer(database);
        await customer.StartAsync("hobby");
        var first = await customer.DebitAsync(250, key: "usage-1");

        customer.Clock.Advance(TimeSpan.FromDays(3));
        var again = await customer.DebitAsync(250, key: "usage-1");

        Assert.Equal(LedgerOutcome.Duplicate, again.Outcome);
        Assert.Equal((first.Debited, first.WrittenOff), (again.Debited, again.WrittenOff));
        Assert.Empty(again.ThresholdsCrossed);
        Assert.False(again.Exhausted);
        Assert.Empty(again.BalanceNotifications(customer.Clock.Now));
        Assert.Equal(3L, await database.ScalarAsync<long>($"SELECT count(*) FROM ledger_entries WHERE customer_id = '{customer.Id}'"));
        await LedgerInvariants.AssertHoldAsync(database);
    }

    [Fact]
    public async Task The_same_key_with_different_content_is_a_conflict_and_changes_nothing()
    {
        await using var customer = new Customer(database);
        await customer.StartAsync("hobby");
        await customer.DebitAsync(10, key: "usage-2");

        var conflict = await customer.DebitAsync(11, key: "usage-2");
        var otherKind = await customer.GrantAsync(5, key: "usage-3");
        var grantReuse = await customer.Ledger.GrantAsync(new GrantCredits
        {
            CustomerId = customer.Id, IdempotencyKey = "usage-2", Credits = 10, Source = GrantSource.Promotion,
        });

        Assert.Equal(LedgerOutcome.Conflict, conflict.Outcome);
        Assert.Equal(LedgerOutcome.Applied, otherKind.Outcome);
        Assert.Equal(LedgerOutcome.Conflict, grantReuse.Outcome);
        Assert.Equal(195, await customer.AvailableAsync());
    }

    /// <summary>
    /// A producer's retry that stamps the event again with the time of the retry, months later, is other content under
    /// the same key: a conflict, never a second debit. Any plan that moves old keys out of the hot index must keep this
    /// green: a limit on how old usage may be cannot tell such a retry from a new event (docs/SCALING.md, section 6).
    /// </summary>
    [Fact]
    public async Task A_retry_stamped_with_a_new_time_months_later_is_a_conflict_not_a_second_debit()
    {
        await using var customer = new Customer(database);
        await customer.StartAsync("hobby");
        await customer.DebitAsync(10, key: "usage-late", occurredAt: customer.Clock.Now);

        customer.Clock.Advance(TimeSpan.FromDays(120));
        var retry = await customer.DebitAsync(10, key: "usage-late", occurredAt: customer.Clock.Now);

        Assert.Equal(LedgerOutcome.Conflict, retry.Outcome);
        Assert.Equal(10L, await database.ScalarAsync<long>(
            $"SELECT sum(quantity) FROM ledger_entries WHERE customer_id = '{customer.Id}' AND kind IN ('Debit', 'Overage', 'WriteOff')"));
        await LedgerInvariants.AssertHoldAsync(database);
    }

    [Fact]
    public async Task A_key_used_by_another_customer_is_a_conflict()
    {
        await using var alice = new Customer(database);
        await using var bob = new Customer(database);
        await alice.StartAsync("hobby");
        await bob.StartAsync("hobby");
        await alice.DebitAsync(10, key: "shared-key");

        var result = await bob.DebitAsync(10, key: "shared-key");

        Assert.Equal(LedgerOutcome.Conflict, result.Outcome);
        Assert.Equal(200, await bob.AvailableAsync());
    }

    [Fact]
    public async Task A_batch_applies_each_key_once_and_reports_every_event()
    {
        await using var customer = new Customer(database);
        await using var other = new Customer(database);
        await customer.StartAsync("pro");
        await other.StartAsync("hobby");
        await customer.DebitAsync(1, key: "b-0");
        DebitCredits Usage(string c, string key, long credits) => new() { CustomerId = c, IdempotencyKey = key, Credits = credits };

        var results = await customer.Ledger.DebitBatchAsync([
            Usage(customer.Id, "b-0", 1),     // applied before: duplicate
            Usage(customer.Id, "b-1", 10),
            Usage(other.Id, "b-2", 20),
            Usage(customer.Id, "b-1", 10),    // twice in the batch: duplicate
            Usage(customer.Id, "b-1", 12),    // same key, other content: conflict
            Usage(customer.Id, "b-3", 0),     // invalid
            Usage("cus_nobody", "b-4", 5),    // unknown customer
        ]);

        Assert.Equal(
            [LedgerOutcome.Duplicate, LedgerOutcome.Applied, LedgerOutcome.Applied, LedgerOutcome.Duplicate,
             LedgerOutcome.Conflict, LedgerOutcome.Invalid, LedgerOutcome.UnknownCustomer],
            results.Select(r => r.Outcome));
        Assert.Equal(10, results[3].Debited);
        Assert.Equal(989, await customer.AvailableAsync());
        Assert.Equal(180, await other.AvailableAsync());
        await LedgerInvariants.AssertHoldAsync(database);
    }

    [Fact]
    public async Task Usage_messages_map_to_debits_keyed_by_event_id_and_rejections_carry_a_reason()
    {
        await using var customer = new Customer(database);
        await customer.StartAsync("hobby");
        var usage = new Contracts.Usage.UsageRecorded { CustomerId = customer.Id, EventId = $"{customer.Id}-evt", Credits = 3, OccurredAt = customer.Clock.Now };

        var results = await customer.Ledger.DebitBatchAsync([
            UsageDebits.ToDebit(usage), UsageDebits.ToDebit(usage), UsageDebits.ToDebit(usage with { Credits = 4 }),
            UsageDebits.ToDebit(usage with { EventId = "x", Credits = -1 }), UsageDebits.ToDebit(usage with { CustomerId = "cus_nobody", EventId = "y" }),
        ]);

        var rejections = results.Select(r => UsageDebits.Rejection(usage, r, customer.Clock.Now)?.ReasonCode).ToList();
        Assert.Equal([null, null, "idempotency-conflict", "invalid", "unknown-customer"], rejections);
        Assert.Equal(197, await customer.AvailableAsync());
    }

    [Fact]
    public async Task Replaying_a_whole_batch_changes_nothing()
    {
        await using var customer = new Customer(database);
        await customer.StartAsync("pro");
        var batch = Enumerable.Range(0, 300)
            .Select(i => new DebitCredits { CustomerId = customer.Id, IdempotencyKey = $"{customer.Id}-e{i}", Credits = 5 })
            .ToList();

        var first = await customer.Ledger.DebitBatchAsync(batch);
        var replay = await customer.Ledger.DebitBatchAsync(batch);

        Assert.All(first, r => Assert.Equal(LedgerOutcome.Applied, r.Outcome));
        Assert.All(replay, r => Assert.Equal(LedgerOutcome.Duplicate, r.Outcome));
        var balance = await customer.Ledger.GetBalanceAsync(customer.Id);
        Assert.Equal(0, balance!.Available);
        Assert.Equal(500, balance.OverageThisPeriod);
        await LedgerInvariants.AssertHoldAsync(database);
    }

    [Fact]
    public async Task The_unique_index_rejects_a_second_write_of_a_key_that_bypasses_the_check()
    {
        await using var customer = new Customer(database);
        await customer.StartAsync("hobby");
        await customer.DebitAsync(1, key: "written-once");

        var error = await Assert.ThrowsAsync<Npgsql.PostgresException>(() => database.ExecuteAsync($"""
            INSERT INTO ledger_entries (customer_id, kind, amount, held_change, quantity, idempotency_key, sequence, period_start, occurred_at, recorded_at)
            VALUES ('{customer.Id}', 'Debit', -1, 0, 1, 'written-once', 0, now(), now(), now())
            """));
        Assert.Equal(Npgsql.PostgresErrorCodes.UniqueViolation, error.SqlState);
    }
}
