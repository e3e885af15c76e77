using Credits.Ledger.Commands;
using Credits.Ledger.Results;
using Credits.Ledger.Tests.Support;
using Credits.Testing;
using Xunit;

namespace Credits.Ledger.Tests;

/// <summary>
/// Retention's removal on the real PostgreSQL (docs/ledger-archive.md, "Removal"): exactly an archived month's entries
/// leave the ledger, only once read back and found equal; replays racing it are duplicates on either side of it; the
/// chunk then reads back as sound with nothing left to compare in the ledger.
/// </summary>
public class RemovalTests(LedgerDatabase database) : IClassFixture<LedgerDatabase>
{
    static readonly DateTimeOffset December = Customer.PeriodEnd, January = new(2027, 1, 1, 0, 0, 0, TimeSpan.Zero),
        February = new(2027, 2, 1, 0, 0, 0, TimeSpan.Zero);

    static string Json(object value) => System.Text.Json.JsonSerializer.Serialize(value);

    Task<List<long>> IdsAsync(string customerId) =>
        database.QueryAsync($"SELECT id FROM ledger_entries WHERE customer_id = '{customerId}' ORDER BY id", r => r.GetInt64(0));

    [Fact]
    public async Task Exactly_the_archived_entries_leave_and_the_balance_and_later_readings_back_stay_sound()
    {
        await using var customer = new Customer(database);
        await customer.StartAsync("pro");
        for (var i = 0; i < 7; i++) await customer.DebitAsync(150);      // past the allowance: overage
        customer.Clock.Set(December.AddHours(1));
        await customer.StartAsync("pro", start: December, end: January);
        await customer.DebitAsync(5);
        var december = await database.QueryAsync(
            $"SELECT id FROM ledger_entries WHERE customer_id = '{customer.Id}' AND recorded_at >= '{December:O}' ORDER BY id", r => r.GetInt64(0));
        var all = await IdsAsync(customer.Id);
        var balance = await customer.Ledger.GetBalanceAsync(customer.Id);

        Assert.True(await database.ArchiveAsync(customer.Id, February, maxEntries: 4) >= 3);
        Assert.Equal(all.Count - december.Count, await database.RemoveArchivedAsync(customer.Id, February));

        Assert.Equal(december, await IdsAsync(customer.Id));
        Assert.Equal(Json(balance! with { AsOf = default }), Json((await customer.Ledger.GetBalanceAsync(customer.Id))! with { AsOf = default }));
        Assert.Equal(0L, await database.ScalarAsync<long>(
            $"SELECT count(*) FROM ledger_archive_chunks WHERE customer_id = '{customer.Id}' AND removed_at IS NULL"));
        Assert.Equal(0, await database.RemoveArchivedAsync(customer.Id, February));

        // Read back a month later: sound, with no entry left in the ledger to compare.
        await database.VerifyDueAsync(February.AddDays(31), TimeSpan.FromDays(30));
        Assert.Equal(0L, await database.ScalarAsync<long>(
            $"SELECT count(*) FROM ledger_archive_chunks WHERE customer_id = '{customer.Id}' AND (difference IS NOT NULL OR verified_at < '{February.AddDays(31):O}')"));

        // An entry of a removed range back in the ledger (restored by hand, and wrongly) is a difference.
        await database.ExecuteAsync($"""
            INSERT INTO ledger_entries (id, customer_id, kind, amount, held_change, quantity, idempotency_key, sequence, period_start, occurred_at, recorded_at)
            OVERRIDING SYSTEM VALUE
            VALUES ({all[1]}, '{customer.Id}', 'Debit', -1, 0, 1, 'restored', 0, '{Customer.PeriodStart:O}', '{Customer.PeriodStart:O}', '{Customer.PeriodStart:O}')
            """);
        await database.VerifyDueAsync(February.AddDays(62), TimeSpan.FromDays(30));
        Assert.Equal([$"entry {all[1]}: the archive and the ledger differ"], await database.QueryAsync(
            $"SELECT difference FROM ledger_archive_chunks WHERE customer_id = '{customer.Id}' AND difference IS NOT NULL", r => r.GetString(0)));
    }

    [Fact]
    public async Task A_chunk_whose_entries_changed_after_it_was_archived_stays_and_so_do_its_entries()
    {
        await using var customer = new Customer(database);
        await customer.StartAsync("pro");
        for (var i = 0; i < 3; i++) await customer.DebitAsync(2);
        await database.ArchiveAsync(customer.Id, February);
        var ids = await IdsAsync(customer.Id);
        await database.ExecuteAsync($"UPDATE ledger_entries SET note = 'changed' WHERE customer_id = '{customer.Id}' AND id = {ids[^1]}");

        Assert.Equal(0, await database.RemoveArchivedAsync(customer.Id, February));
        Assert.Equal(ids, await IdsAsync(customer.Id));
    }

    [Fact]
    public async Task Two_instances_removing_one_account_at_once_remove_each_chunk_once()
    {
        await using var customer = new Customer(database);
        await customer.StartAsync("pro");
        for (var i = 0; i < 30; i++) await customer.DebitAsync(1);
        var entries = (await IdsAsync(customer.Id)).Count;
        await database.ArchiveAsync(customer.Id, February, maxEntries: 5);

        var removed = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(() => database.RemoveArchivedAsync(customer.Id, February))));

        Assert.Equal(entries, removed.Sum());
        Assert.Empty(await IdsAsync(customer.Id));
        Assert.Equal(0L, await database.ScalarAsync<long>(
            $"SELECT count(*) FROM ledger_archive_chunks WHERE customer_id = '{customer.Id}' AND removed_at IS NULL"));
    }

    [Fact]
    public async Task Replays_racing_the_removal_are_duplicates_and_nothing_is_debited_twice()
    {
        await using var customer = new Customer(database);
        await customer.StartAsync("pro");
        var usage = Enumerable.Range(0, 40).Select(i => new DebitCredits
        {
            CustomerId = customer.Id, IdempotencyKey = $"usage:1:{customer.Id}:{i}", Credits = 3, OccurredAt = customer.Clock.Now,
        }).ToList();
        foreach (var debit in usage) await customer.Ledger.DebitAsync(debit);
        var used = await UsedAsync();
        await database.ArchiveAsync(customer.Id, February, maxEntries: 10);

        // Another instance replays the month's usage, one event at a time and in batches, while this one removes it.
        var replays = Task.Run(async () =>
        {
            var (ledger, db) = database.NewLedger(new ManualClock(February.AddHours(1)));
            await using (db)
            {
                var outcomes = new List<LedgerOutcome>();
                for (var round = 0; round < 3; round++)
                {
                    foreach (var debit in usage.Take(10)) outcomes.Add((await ledger.DebitAsync(debit)).Outcome);
                    outcomes.AddRange((await ledger.DebitBatchAsync(usage)).Select(r => r.Outcome));
                }
                return outcomes;
            }
        });
        var removed = await database.RemoveArchivedAsync(customer.Id, February);

        Assert.All(await replays, o => Assert.Equal(LedgerOutcome.Duplicate, o));
        Assert.True(removed > 40, $"{removed} entries removed");
        // Only what the replays' first transaction lapsed (the ended period's allowance) is left, and no usage.
        Assert.Equal(0L, await UsedAsync());
        Assert.Equal(used, await database.ScalarAsync<long>(
            $"SELECT coalesce(sum(quantity), 0)::bigint FROM ledger_archive_totals WHERE customer_id = '{customer.Id}' AND kind IN ('Debit', 'Overage', 'WriteOff')"));

        Task<long> UsedAsync() => database.ScalarAsync<long>(
            $"SELECT coalesce(sum(quantity), 0)::bigint FROM ledger_entries WHERE customer_id = '{customer.Id}' AND kind IN ('Debit', 'Overage', 'WriteOff')");
    }
}
