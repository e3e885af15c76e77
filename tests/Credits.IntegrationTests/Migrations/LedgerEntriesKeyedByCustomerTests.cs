using Credits.Ledger;
using Credits.Ledger.Commands;
using Credits.Ledger.Plans;
using Credits.Ledger.Results;
using Credits.Testing;
using Xunit;

namespace Credits.IntegrationTests.Migrations;

/// <summary>
/// The migration that keys ledger entries by (customer, id) instead of the id alone (issue 16, item 3) keeps what it
/// finds: entries the ledger wrote before the upgrade are still the customer's history, their keys are still
/// once-only, and new entries take ids after theirs.
/// </summary>
public class LedgerEntriesKeyedByCustomerTests : IAsyncLifetime
{
    const string MigrationBefore = "20261203185506_OutboxRelayAfter";
    const string Customer = "cus_keyed-by-customer";
    static readonly DateTimeOffset Now = new(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);
    static readonly PlanCatalog Plans = new([new PlanDefinition { Id = "hobby", DisplayName = "Hobby", IncludedCredits = 200 }]);

    readonly UpgradedDatabase _database = new();

    public Task InitializeAsync() => _database.InitializeAsync();
    public Task DisposeAsync() => _database.DisposeAsync();

    [Fact]
    public async Task Entries_written_before_the_upgrade_stay_the_customers_history_and_their_keys_once_only()
    {
        await _database.MigrateToAsync(MigrationBefore);
        // Today's ledger reads the archive's cursors (the cold tier of keys), a table of a later migration: a stand-in
        // with its columns lets it write on the schema of then, and goes before the upgrade creates the real one.
        await _database.ExecuteAsync(
            "CREATE TABLE ledger_archive_cursors (customer_id text PRIMARY KEY, archived_through bigint NOT NULL, next_check_at timestamptz NOT NULL)");
        await using (var db = _database.NewContext())
        {
            var ledger = new CreditLedger(db, Plans, new ManualClock(Now));
            Assert.Equal(LedgerOutcome.Applied, (await ledger.StartPeriodAsync(new StartPeriod
            {
                CustomerId = Customer, IdempotencyKey = "start", PlanId = "hobby",
                PeriodStart = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero), PeriodEnd = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero),
            })).Outcome);
            Assert.Equal(LedgerOutcome.Applied, (await ledger.DebitAsync(Debit("before", 5))).Outcome);
        }

        await _database.ExecuteAsync("DROP TABLE ledger_archive_cursors");
        await _database.UpgradeAsync();

        Assert.Equal("PRIMARY KEY (customer_id, id)", await _database.ScalarAsync<string>(
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'ledger_entries'::regclass AND contype = 'p'"));
        Assert.Equal(0L, await _database.ScalarAsync<long>("SELECT count(*) FROM pg_indexes WHERE indexname = 'ix_ledger_entries_customer'"));
        await using (var db = _database.NewContext())
        {
            var ledger = new CreditLedger(db, Plans, new ManualClock(Now));
            var replay = await ledger.DebitAsync(Debit("before", 5));
            var after = await ledger.DebitAsync(Debit("after", 7));
            var history = await ledger.GetEntriesAsync(Customer);

            Assert.Equal((LedgerOutcome.Duplicate, 5L), (replay.Outcome, replay.Debited));
            Assert.Equal(LedgerOutcome.Applied, after.Outcome);
            Assert.Equal(["after", "before", "start"], history.Entries.Select(e => e.IdempotencyKey));
            Assert.True(history.Entries[0].Id > history.Entries[1].Id, "a new entry takes an id after the upgraded ones");
            Assert.Equal(200 - 5 - 7, (await ledger.GetBalanceAsync(Customer))!.Available);
        }
    }

    static DebitCredits Debit(string key, long credits) =>
        new() { CustomerId = Customer, IdempotencyKey = key, Credits = credits, OccurredAt = Now.AddMinutes(-1), Note = "chat" };
}
