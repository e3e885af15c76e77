using Credits.Ledger.Commands;
using Xunit;

namespace Credits.IntegrationTests.Migrations;

/// <summary>
/// The upgrade that brought spend caps (docs/spend-caps.md) counts each account's previous-period overage into
/// <c>overage_previous_period</c>, so late usage of that period arriving right after the upgrade is held to the cap.
/// </summary>
public class SpendCapsUpgradeTests : IAsyncLifetime
{
    const string MigrationBefore = "20261201213354_RateCards";

    readonly UpgradedDatabase _database = new();

    public Task InitializeAsync() => _database.InitializeAsync();
    public Task DisposeAsync() => _database.DisposeAsync();

    [Fact]
    public async Task Overage_of_the_previous_period_written_before_the_upgrade_counts_against_a_cap_set_after_it()
    {
        await _database.MigrateToAsync(MigrationBefore);
        // Two Pro accounts ten minutes into a period (late usage of the previous one is still taken), as the code
        // before the upgrade wrote them: overage entries of the previous period and of this one.
        var now = DateTimeOffset.UtcNow;
        var (start, previous) = (now.AddMinutes(-10), now.AddMinutes(-10).AddMonths(-1));
        await _database.ExecuteAsync($"""
            INSERT INTO ledger_accounts (customer_id, plan_id, period_start, period_end, balance, held, overage_this_period,
                previous_period_start, overage_next_period, overage_suspended, created_at, updated_at)
            VALUES ('capped', 'pro', '{start:O}', '{start.AddMonths(1):O}', 0, 0, 15, '{previous:O}', 0, false, '{previous:O}', '{now:O}'),
                   ('other', 'pro', '{start:O}', '{start.AddMonths(1):O}', 0, 0, 0, '{previous:O}', 0, false, '{previous:O}', '{now:O}');
            INSERT INTO ledger_entries (customer_id, kind, amount, held_change, quantity, idempotency_key, sequence, fingerprint,
                period_start, occurred_at, recorded_at)
            VALUES ('capped', 'Overage', 0, 0, 60, 'capped-1', 0, 1, '{previous:O}', '{previous.AddDays(3):O}', '{previous.AddDays(3):O}'),
                   ('capped', 'Overage', 0, 0, 30, 'capped-2', 0, 1, '{previous:O}', '{previous.AddDays(9):O}', '{previous.AddDays(9):O}'),
                   ('capped', 'Overage', 0, 0, 15, 'capped-3', 0, 1, '{start:O}', '{start.AddMinutes(5):O}', '{start.AddMinutes(5):O}'),
                   ('other', 'Overage', 0, 0, 40, 'other-1', 0, 1, '{previous:O}', '{previous.AddDays(2):O}', '{previous.AddDays(2):O}');
            """);

        await _database.UpgradeAsync();

        Assert.Equal(90L, await _database.ScalarAsync<long>("SELECT overage_previous_period FROM ledger_accounts WHERE customer_id = 'capped'"));
        Assert.Equal(40L, await _database.ScalarAsync<long>("SELECT overage_previous_period FROM ledger_accounts WHERE customer_id = 'other'"));
        Assert.Equal(0L, await _database.ScalarAsync<long>("SELECT count(*) FROM ledger_accounts WHERE overage_cap IS NOT NULL OR spend_cap_alerted <> 0"));

        // A cap of 100 leaves the previous period room for 10: late usage of 30 bills 10 and writes off 20.
        await using var db = _database.NewContext();
        var ledger = Accounts.Ledger(db);
        Assert.True((await ledger.SetSpendCapAsync(new SetSpendCap { CustomerId = "capped", IdempotencyKey = "spend-cap:capped", OverageCap = 100 })).Succeeded);
        var late = await ledger.DebitAsync(new DebitCredits
        {
            CustomerId = "capped", IdempotencyKey = "late-1", Credits = 30, OccurredAt = start.AddMinutes(-5),
        });
        Assert.Equal((0L, 10L, 20L), (late.Debited, late.Overage, late.WrittenOff));
        Assert.Equal(100L, await _database.ScalarAsync<long>("SELECT overage_previous_period FROM ledger_accounts WHERE customer_id = 'capped'"));
    }
}
