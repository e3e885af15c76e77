using Credits.Ledger.Commands;
using Credits.Ledger.Model;
using Credits.Ledger.Results;
using Credits.Ledger.Tests.Support;
using Xunit;

namespace Credits.Ledger.Tests;

/// <summary>Many writers at once, each on its own DbContext and connection, as several host processes would be.</summary>
public class ConcurrencyTests(LedgerDatabase database) : IClassFixture<LedgerDatabase>
{
    const int Writers = 64;

    [Fact]
    public async Task Sixty_four_concurrent_writers_on_one_customer_end_at_the_exact_balance()
    {
        await using var customer = new Customer(database);
        await customer.StartAsync("pro");                               // 1000 credits, overage allowed
        await customer.GrantAsync(2000);
        const int perWriter = 5;
        var start = new TaskCompletionSource();

        // Each writer debits its own events and also re-sends its neighbour's (a redelivery racing the
        // original), reserves and settles: 320 distinct debits of 10 = 3200, 64 settles of 5 more.
        var writers = Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            await start.Task;
            var (ledger, db) = database.NewLedger(customer.Clock);
            await using var _ = db;
            var outcomes = new List<(string Key, LedgerOutcome Outcome)>();
            for (var j = 0; j < perWriter; j++)
            {
                foreach (var owner in new[] { w, (w + 1) % Writers })
                {
                    var key = $"{customer.Id}-w{owner}-e{j}";
                    var r = await ledger.DebitAsync(new DebitCredits { CustomerId = customer.Id, IdempotencyKey = key, Credits = 10 });
                    outcomes.Add((key, r.Outcome));
                }
            }
            var hold = await ledger.ReserveAsync(new ReserveCredits { CustomerId = customer.Id, IdempotencyKey = $"{customer.Id}-w{w}-hold", Credits = 1, TimeToLive = TimeSpan.FromMinutes(5) });
            if (hold.Outcome == LedgerOutcome.Applied)
                await ledger.SettleAsync(new SettleReservation { CustomerId = customer.Id, IdempotencyKey = $"{customer.Id}-w{w}-settle", ReservationId = hold.ReservationId!.Value, ActualCredits = 5 });
            else
                await ledger.DebitAsync(new DebitCredits { CustomerId = customer.Id, IdempotencyKey = $"{customer.Id}-w{w}-settle", Credits = 5 });
            return outcomes;
        })).ToList();
        start.SetResult();
        var all = (await Task.WhenAll(writers)).SelectMany(o => o).ToList();

        // Every key applied exactly once, whoever sent it first; the other send saw a duplicate.
        Assert.All(all.GroupBy(o => o.Key), g =>
        {
            Assert.Single(g, o => o.Outcome == LedgerOutcome.Applied);
            Assert.Single(g, o => o.Outcome == LedgerOutcome.Duplicate);
        });
        var balance = await customer.Ledger.GetBalanceAsync(customer.Id);
        Assert.Equal(0, balance!.Available);
        Assert.Equal(0, balance.Held);
        Assert.Equal(Writers * perWriter * 10 + Writers * 5 - 3000, balance.OverageThisPeriod);
        await LedgerInvariants.AssertHoldAsync(database);
    }

    [Fact]
    public async Task Concurrent_reuse_of_one_key_with_different_content_applies_one_and_rejects_the_rest()
    {
        await using var customer = new Customer(database);
        await customer.StartAsync("hobby");
        var start = new TaskCompletionSource();

        var outcomes = await Task.WhenAll(Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            await start.Task;
            var (ledger, db) = database.NewLedger(customer.Clock);
            await using var _ = db;
            return await ledger.DebitAsync(new DebitCredits { CustomerId = customer.Id, IdempotencyKey = "the-one-key", Credits = w + 1 });
        })).Append(Task.Run(() => { start.SetResult(); return new LedgerResult { Outcome = LedgerOutcome.Invalid, CustomerId = "", IdempotencyKey = "" }; })));

        var applied = Assert.Single(outcomes, o => o.Outcome == LedgerOutcome.Applied);
        Assert.Equal(Writers - 1, outcomes.Count(o => o.Outcome == LedgerOutcome.Conflict));
        Assert.Equal(200 - applied.Debited, await customer.AvailableAsync());
    }

    [Fact]
    public async Task Concurrent_batches_over_the_same_customers_in_any_order_do_not_deadlock()
    {
        var customers = new List<Customer>();
        for (var i = 0; i < 8; i++)
        {
            var c = new Customer(database);
            await c.StartAsync("hobby", allowance: 100_000);
            customers.Add(c);
        }
        var start = new TaskCompletionSource();

        await Task.WhenAll(Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            await start.Task;
            var (ledger, db) = database.NewLedger(customers[0].Clock);
            await using var _ = db;
            var random = new Random(w);
            for (var b = 0; b < 5; b++)
            {
                // Each batch names the customers in a different order.
                var batch = customers.OrderBy(_ => random.Next())
                    .SelectMany(c => Enumerable.Range(0, 5).Select(e => new DebitCredits { CustomerId = c.Id, IdempotencyKey = $"{c.Id}-w{w}-b{b}-e{e}", Credits = 1 }))
                    .ToList();
                Assert.All(await ledger.DebitBatchAsync(batch), r => Assert.Equal(LedgerOutcome.Applied, r.Outcome));
            }
        })).Append(Task.Run(start.SetResult)));

        foreach (var c in customers)
        {
            Assert.Equal(100_000 - 8 * 5 * 5, await c.AvailableAsync());
            await c.DisposeAsync();
        }
        await LedgerInvariants.AssertHoldAsync(database);
    }
}
