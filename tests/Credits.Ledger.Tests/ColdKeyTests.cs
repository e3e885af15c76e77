using Credits.Ledger.Archive;
using Credits.Ledger.Commands;
using Credits.Ledger.Model;
using Credits.Ledger.Results;
using Credits.Ledger.Tests.Support;
using Credits.Testing;
using Xunit;

namespace Credits.Ledger.Tests;

/// <summary>
/// The cold tier of event keys (docs/SCALING.md, section 6, step 2) on the real PostgreSQL: once a month's entries have
/// left the hot table, a replay of one of its events is still a duplicate with the original figures, other content
/// under its key is still a conflict, and a new event is still applied, as the hot index answers for recent keys.
/// The entries leave through the archiver's own removal (<see cref="LedgerArchiver.RemoveArchivedAsync"/>).
/// </summary>
public class ColdKeyTests(LedgerDatabase database) : IClassFixture<LedgerDatabase>
{
    static readonly DateTimeOffset December = Customer.PeriodEnd, January = new(2027, 1, 1, 0, 0, 0, TimeSpan.Zero),
        February = new(2027, 2, 1, 0, 0, 0, TimeSpan.Zero), March = new(2027, 3, 1, 0, 0, 0, TimeSpan.Zero);

    Task<long> UsedAsync(Customer customer) => database.ScalarAsync<long>(
        $"SELECT coalesce(sum(quantity), 0)::bigint FROM ledger_entries WHERE customer_id = '{customer.Id}' AND kind IN ('Debit', 'Overage', 'WriteOff')");

    Task<long> EntriesAsync(Customer customer) =>
        database.ScalarAsync<long>($"SELECT count(*) FROM ledger_entries WHERE customer_id = '{customer.Id}'");

    [Fact]
    public async Task An_event_replayed_after_its_month_left_the_hot_table_is_a_duplicate_with_its_figures_not_a_second_debit()
    {
        await using var customer = new Customer(database);
        await customer.StartAsync("pro");
        var usage = new DebitCredits
        {
            CustomerId = customer.Id, IdempotencyKey = "usage:1:ev-over", Credits = 1200, OccurredAt = customer.Clock.Now, Note = "chat",
        };
        var original = await customer.Ledger.DebitAsync(usage);
        Assert.Equal((1000L, 200L), (original.Debited, original.Overage));
        await customer.DebitAsync(5, key: "usage:1:ev-small", occurredAt: customer.Clock.Now);
        customer.Clock.Set(December.AddHours(1));
        await customer.StartAsync("pro", start: December, end: January);

        Assert.Equal(1, await database.ArchiveAsync(customer.Id, February));
        Assert.True(await database.RemoveArchivedAsync(customer.Id, February) >= 4);
        customer.Clock.Set(February.AddHours(1));
        await customer.StartAsync("pro", start: February, end: March);
        var (entries, used) = (await EntriesAsync(customer), await UsedAsync(customer));

        var replay = await customer.Ledger.DebitAsync(usage);
        Assert.Equal((LedgerOutcome.Duplicate, 1000L, 200L), (replay.Outcome, replay.Debited, replay.Overage));
        // The same key with other content, a retry stamped again with the time of the retry among them: a conflict.
        Assert.Equal(LedgerOutcome.Conflict, (await customer.DebitAsync(5, key: "usage:1:ev-small", occurredAt: customer.Clock.Now)).Outcome);
        Assert.Equal(LedgerOutcome.Conflict, (await customer.Ledger.DebitAsync(usage with { Credits = 1201 })).Outcome);
        // In a batch with new usage, as the usage path sends it.
        var batch = await customer.Ledger.DebitBatchAsync([usage, usage with { IdempotencyKey = "usage:1:ev-new", Credits = 3 }]);
        Assert.Equal([LedgerOutcome.Duplicate, LedgerOutcome.Applied], batch.Select(r => r.Outcome));

        Assert.Equal(entries + 1, await EntriesAsync(customer));
        Assert.Equal(used + 3, await UsedAsync(customer));
    }

    [Fact]
    public async Task An_operation_whose_entries_two_chunks_share_is_rebuilt_from_both()
    {
        await using var customer = new Customer(database);
        await customer.StartAsync("pro", allowance: 10);
        await customer.GrantAsync(5);
        // Burns the allowance, then the grant, then goes over: three entries under one key.
        var original = await customer.DebitAsync(40, key: "usage:1:ev-three");
        Assert.Equal((15L, 25L), (original.Debited, original.Overage));

        Assert.True(await database.ArchiveAsync(customer.Id, February, maxEntries: 1) >= 4);
        Assert.True(await database.ScalarAsync<long>(
            $"SELECT count(DISTINCT k.first_entry_id) FROM ledger_archive_keys k WHERE k.customer_id = '{customer.Id}'") >= 4);
        await database.RemoveArchivedAsync(customer.Id, February);
        customer.Clock.Set(February.AddHours(1));

        var replay = await customer.DebitAsync(40, key: "usage:1:ev-three");
        Assert.Equal((LedgerOutcome.Duplicate, 15L, 25L), (replay.Outcome, replay.Debited, replay.Overage));
        Assert.Equal(0L, await UsedAsync(customer));
    }

    [Fact]
    public async Task A_new_event_that_passes_a_chunks_filter_by_chance_is_applied()
    {
        await using var customer = new Customer(database);
        await customer.StartAsync("pro");
        for (var i = 0; i < 20; i++) await customer.DebitAsync(1, key: $"usage:1:{customer.Id}:{i}");
        await database.ArchiveAsync(customer.Id, February);
        await database.RemoveArchivedAsync(customer.Id, February);
        customer.Clock.Set(February.AddHours(1));
        await customer.StartAsync("pro", start: February, end: March);

        var (filter, hashes) = Assert.Single(await database.QueryAsync(
            $"SELECT filter, hashes FROM ledger_archive_keys WHERE customer_id = '{customer.Id}'",
            r => (r.GetFieldValue<byte[]>(0), r.GetFieldValue<byte[]>(1))));
        // Every archived key passes its filter (no false negatives); then a new key that passes it too.
        var archived = Enumerable.Range(0, 20).Select(i => $"usage:1:{customer.Id}:{i}").Append($"{customer.Id}-k1").ToList();
        Assert.All(archived, k => Assert.True(KeyFilter.MayContain(filter, EntryHashes.KeyNumber(k)), k));
        Assert.Equal(archived.Count * ColdKeyIndex.HashBytes, hashes.Length);
        var passing = Enumerable.Range(0, 100_000).Select(i => $"usage:1:{customer.Id}:new-{i}")
            .First(k => KeyFilter.MayContain(filter, EntryHashes.KeyNumber(k)));
        var used = await UsedAsync(customer);

        var result = await customer.DebitAsync(4, key: passing);

        Assert.Equal(LedgerOutcome.Applied, result.Outcome);
        Assert.Equal(used + 4, await UsedAsync(customer));
    }

    [Fact]
    public async Task The_filters_kept_in_memory_follow_the_archive_as_it_grows()
    {
        await using var customer = new Customer(database);
        await customer.StartAsync("pro");
        await customer.DebitAsync(3, key: "usage:1:november");
        customer.Clock.Set(December.AddHours(1));
        await customer.StartAsync("pro", start: December, end: January);
        await customer.DebitAsync(4, key: "usage:1:december");
        await database.ArchiveAsync(customer.Id, February);
        await database.RemoveArchivedAsync(customer.Id, February);
        customer.Clock.Set(February.AddHours(1));
        await customer.StartAsync("pro", start: February, end: March);

        // November's filter is now in this ledger's memory; December is still hot.
        Assert.Equal(LedgerOutcome.Duplicate, (await customer.DebitAsync(3, key: "usage:1:november")).Outcome);
        Assert.Equal(LedgerOutcome.Duplicate, (await customer.DebitAsync(4, key: "usage:1:december")).Outcome);

        // Another instance archives December and removes it: the cursor moved, so the filters are read again.
        await database.ArchiveAsync(customer.Id, March);
        await database.RemoveArchivedAsync(customer.Id, February);
        var used = await UsedAsync(customer);
        Assert.Equal(LedgerOutcome.Duplicate, (await customer.DebitAsync(4, key: "usage:1:december")).Outcome);
        Assert.Equal(LedgerOutcome.Duplicate, (await customer.DebitAsync(3, key: "usage:1:november")).Outcome);
        Assert.Equal(used, await UsedAsync(customer));
    }

    [Fact]
    public async Task A_key_answers_per_customer_once_archived_and_a_replay_under_a_key_another_customer_took_since_is_a_conflict()
    {
        await using var alice = new Customer(database);
        await using var bob = new Customer(database);
        await alice.StartAsync("pro");
        await alice.DebitAsync(6, key: "shared-key");
        await database.ArchiveAsync(alice.Id, February);
        await database.RemoveArchivedAsync(alice.Id, February);
        bob.Clock.Set(February.AddHours(1));
        alice.Clock.Set(February.AddHours(1));
        await bob.StartAsync("pro", start: February, end: March);
        await alice.StartAsync("pro", start: February, end: March);

        // The cold tier looks a key up among its own customer's chunks (docs/ledger-archive.md, "Scope"): new for Bob.
        Assert.Equal(LedgerOutcome.Applied, (await bob.DebitAsync(6, key: "shared-key")).Outcome);
        // Alice's replay finds Bob's entries in the hot table before her own in the cold tier: a conflict, not an error.
        var used = await UsedAsync(alice);
        Assert.Equal(LedgerOutcome.Conflict, (await alice.DebitAsync(6, key: "shared-key")).Outcome);
        Assert.Equal(used, await UsedAsync(alice));
    }

    [Fact]
    public async Task Keys_that_differ_from_the_chunks_entries_are_reported_and_keep_its_entries_from_leaving_until_indexed()
    {
        await using var customer = new Customer(database);
        await customer.StartAsync("pro");
        for (var i = 0; i < 5; i++) await customer.DebitAsync(1);
        await database.ArchiveAsync(customer.Id, February);
        var first = await database.ScalarAsync<long>($"SELECT first_entry_id FROM ledger_archive_chunks WHERE customer_id = '{customer.Id}'");
        var where = $"customer_id = '{customer.Id}' AND first_entry_id = {first}";
        Assert.Empty(await database.VerifyChunkAsync(customer.Id, first));

        // One hash changed (its last byte): the read-back's own hashes of the keys disagree.
        const string flip = "hashes = set_byte(hashes, 15, get_byte(hashes, 15) # 1)";
        await database.ExecuteAsync($"UPDATE ledger_archive_keys SET {flip} WHERE {where}");
        Assert.Equal(["the cold tier's event keys for the chunk are not its entries' keys"], await database.VerifyChunkAsync(customer.Id, first));
        Assert.Equal(0, await database.RemoveArchivedAsync(customer.Id, February));
        await database.ExecuteAsync($"UPDATE ledger_archive_keys SET {flip} WHERE {where}");

        // A chunk archived before the cold tier existed: reported, and its entries stay, until the job indexes it.
        await database.ExecuteAsync($"DELETE FROM ledger_archive_keys WHERE {where}");
        Assert.Equal(["the chunk's event keys are not in the cold tier"], await database.VerifyChunkAsync(customer.Id, first));
        Assert.Equal(0, await database.RemoveArchivedAsync(customer.Id, February));
        await IndexAsync();
        Assert.Equal(6, await database.ScalarAsync<int>($"SELECT keys FROM ledger_archive_keys WHERE {where}"));
        Assert.Equal(6, await database.RemoveArchivedAsync(customer.Id, February));
        Assert.Empty(await database.VerifyChunkAsync(customer.Id, first));

        // Keys lost after the entries left: a replay is still answered, by reading the chunk whole, and indexed again.
        await database.ExecuteAsync($"DELETE FROM ledger_archive_keys WHERE {where}");
        customer.Clock.Set(February.AddHours(1));
        Assert.Equal(LedgerOutcome.Duplicate, (await customer.DebitAsync(1, key: $"{customer.Id}-k2")).Outcome);
        await IndexAsync();
        Assert.Equal(LedgerOutcome.Duplicate, (await customer.DebitAsync(1, key: $"{customer.Id}-k3")).Outcome);
        Assert.Equal(0L, await UsedAsync(customer));

        async Task IndexAsync()
        {
            await using var db = database.NewContext();
            Assert.True(await new LedgerArchiver(db, new ManualClock(February)).IndexUnindexedKeysAsync(100, default) >= 1);
        }
    }
}
