using Credits.Ledger;
using Credits.Ledger.Commands;
using Credits.Ledger.Model;
using Credits.Ledger.Plans;
using Credits.Ledger.Results;
using Credits.Testing;
using Xunit;

namespace Credits.IntegrationTests.Migrations;

/// <summary>
/// The migration that hashes ledger entries' keys and fingerprints (issue 16, item 3) must keep every key it finds
/// once-only: usage written before the upgrade and delivered again after it is a duplicate, not a second debit, and
/// the same key with other content is still a conflict. The hashes PostgreSQL computed for the old rows must equal
/// the ones the ledger computes in C#, non-ASCII keys included.
/// </summary>
public class LedgerEntriesHashedKeysTests : IAsyncLifetime
{
    const string MigrationBefore = "20261201045259_GrantsHotBurnDown";
    static readonly DateTimeOffset Now = new(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);
    static readonly PlanCatalog Plans = new([new PlanDefinition { Id = "hobby", DisplayName = "Hobby", IncludedCredits = 200 }]);

    readonly UpgradedDatabase _database = new();
    const string Customer = "cus_é-migration";
    const string Key = "usage:15:cus_é-migration:evt-ü-1";
    static readonly DateTimeOffset OccurredAt = new(2026, 11, 20, 11, 59, 0, TimeSpan.Zero);

    public Task InitializeAsync() => _database.InitializeAsync();
    public Task DisposeAsync() => _database.DisposeAsync();

    [Fact]
    public async Task Usage_written_before_the_upgrade_is_a_duplicate_after_it_and_other_content_a_conflict()
    {
        await _database.MigrateToAsync(MigrationBefore);

        // What the ledger wrote before the upgrade for a debit of 5 "chat" credits: an account, its allowance and the
        // debit's entry with the fingerprint's text (DebitCredits: debit|customer|credits|ticks|note).
        await _database.ExecuteAsync($"""
            INSERT INTO ledger_accounts (customer_id, plan_id, period_start, period_end, balance, held, overage_this_period,
                overage_next_period, overage_suspended, created_at, updated_at)
            VALUES ('{Customer}', 'hobby', '2026-11-01Z', '2026-12-01Z', 195, 0, 0, 0, false, '2026-11-01Z', '2026-11-01Z');
            INSERT INTO ledger_entries (customer_id, kind, amount, held_change, quantity, idempotency_key, sequence, fingerprint,
                period_start, occurred_at, recorded_at, note)
            VALUES ('{Customer}', 'Grant', 200, 0, 200, 'start:{Customer}', 0, 'start', '2026-11-01Z', '2026-11-01Z', '2026-11-01Z', null),
                   ('{Customer}', 'Debit', -5, 0, 5, '{Key}', 0, 'debit|{Customer}|5|{OccurredAt.UtcTicks}|chat',
                    '2026-11-01Z', '{OccurredAt:O}', '{OccurredAt:O}', 'chat');
            """);

        await _database.UpgradeAsync();

        Assert.Equal(EntryHashes.Key(Key), await ScalarAsync<Guid>($"SELECT key_hash FROM ledger_entries WHERE idempotency_key = '{Key}'"));

        await using (var db = _database.NewContext())
        {
            var ledger = new CreditLedger(db, Plans, new ManualClock(Now));
            var replay = await ledger.DebitAsync(Debit(5));
            var otherContent = await ledger.DebitAsync(Debit(6));
            var next = await ledger.DebitAsync(Debit(1) with { IdempotencyKey = Key + "-next" });

            Assert.Equal((LedgerOutcome.Duplicate, 5L), (replay.Outcome, replay.Debited));
            Assert.Equal(LedgerOutcome.Conflict, otherContent.Outcome);
            Assert.Equal(LedgerOutcome.Applied, next.Outcome);
        }
        Assert.Equal(1L, await ScalarAsync<long>($"SELECT count(*) FROM ledger_entries WHERE idempotency_key = '{Key}'"));
    }

    static DebitCredits Debit(long credits) =>
        new() { CustomerId = Customer, IdempotencyKey = Key, Credits = credits, OccurredAt = OccurredAt, Note = "chat" };

    async Task<T> ScalarAsync<T>(string sql) => (await _database.ScalarAsync<T>(sql))!;
}
