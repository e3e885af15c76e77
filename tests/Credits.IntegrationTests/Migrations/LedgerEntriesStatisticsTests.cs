using System.Text.Json;
using Credits.Ledger.Model;
using Xunit;

namespace Credits.IntegrationTests.Migrations;

/// <summary>
/// After the upgrade that hashed ledger entries' keys, the ledger finds a batch's prior entries by
/// <c>key_hash = ANY(...)</c> on every usage batch. A column the upgrade adds has no planner statistics until the
/// next ANALYZE, and on a large table autovacuum's next ANALYZE comes only after a tenth of the table has changed.
/// Without statistics PostgreSQL guesses that each hash matches half a percent of the table (one in 200 distinct
/// values), so a batch of 200 keys or more "matches" all of it and every batch scans the whole table. The upgrade must
/// leave the planner knowing that a hash matches about one row.
/// </summary>
public class LedgerEntriesStatisticsTests : IAsyncLifetime
{
    const string MigrationBefore = "20261201045259_GrantsHotBurnDown";
    const int Entries = 20_000;

    readonly UpgradedDatabase _database = new();

    public Task InitializeAsync() => _database.InitializeAsync();
    public Task DisposeAsync() => _database.DisposeAsync();

    [Fact]
    public async Task After_the_upgrade_the_planner_expects_about_one_entry_per_key()
    {
        await _database.MigrateToAsync(MigrationBefore);

        // A ledger in use before the upgrade: usage debits in the old layout, and statistics, as autovacuum keeps them.
        await _database.ExecuteAsync($"""
            INSERT INTO ledger_entries (customer_id, kind, amount, held_change, quantity, idempotency_key, sequence, fingerprint,
                period_start, occurred_at, recorded_at, note)
            SELECT 'c' || (i % 500), 'Debit', -1, 0, 1, 'usage:15:c' || (i % 500) || ':evt-' || i, 0,
                   'debit|c' || (i % 500) || '|1|' || i || '|', '2026-11-01Z', '2026-11-20Z', '2026-11-20Z', null
            FROM generate_series(1, {Entries}) AS i;
            ANALYZE ledger_entries;
            """);

        await _database.UpgradeAsync();

        // The statement LedgerStore runs for a batch's keys, for a full batch of single usage events (500).
        var hashes = Enumerable.Range(1, 500).Select(i => $"'{EntryHashes.Key($"usage:15:c{i % 500}:evt-{i}")}'");
        var plan = await _database.ScalarAsync<string>($"""
            EXPLAIN (FORMAT JSON) SELECT idempotency_key, sequence, customer_id, kind, quantity, grant_id, reservation_id, fingerprint
            FROM ledger_entries WHERE key_hash = ANY(ARRAY[{string.Join(',', hashes)}]::uuid[])
            """);

        // The planner's estimate of the rows found, which decides between the key index and a scan of the whole table:
        // about one per key, not the table (20,000, from the guess of one in 200 per key without statistics).
        var estimated = JsonDocument.Parse(plan!).RootElement[0].GetProperty("Plan").GetProperty("Plan Rows").GetDouble();
        Assert.InRange(estimated, 1, 2 * 500);
    }
}
