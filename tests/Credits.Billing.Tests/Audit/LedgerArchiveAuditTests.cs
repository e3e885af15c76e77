using Credits.Billing.Audit;
using Credits.Billing.Tests.Support;
using Credits.Ledger;
using Credits.Ledger.Archive;
using Credits.Ledger.Commands;
using Credits.Ledger.Plans;
using Credits.Testing;
using Microsoft.EntityFrameworkCore;
using Xunit;

namespace Credits.Billing.Tests.Audit;

/// <summary>
/// The money audit's archive check on the real PostgreSQL: a sound archive passes, a roll-up changed after the
/// archiver wrote it is stored as <c>archive_mismatch</c> with what differs, and the difference clears once the books
/// agree again.
/// </summary>
public sealed class LedgerArchiveAuditTests : IAsyncLifetime
{
    readonly AuditTestDatabase _database = new();
    static readonly PlanCatalog Plans = new([new PlanDefinition { Id = "pro", DisplayName = "Pro", IncludedCredits = 100, OverageAllowed = true }]);

    public Task InitializeAsync() => _database.InitializeAsync();

    public Task DisposeAsync() => _database.DisposeAsync();

    BillingTestDbContext NewDb() => _database.NewDb();

    Task<AuditRun> AuditAsync() => _database.RunAuditAsync(db => [new LedgerArchiveCheck(new AuditDatabase(db))]);

    [Fact]
    public async Task A_roll_up_changed_after_archiving_is_a_difference_until_it_agrees_again()
    {
        // Four months ago: a period with usage past its allowance.
        var then = new ManualClock(DateTimeOffset.UtcNow.AddMonths(-4));
        var periodStart = new DateTimeOffset(then.Now.Year, then.Now.Month, 1, 0, 0, 0, TimeSpan.Zero);
        await using (var db = NewDb())
        {
            var ledger = new CreditLedger(db, Plans, then);
            Assert.True((await ledger.StartPeriodAsync(new StartPeriod
            {
                CustomerId = "c1", IdempotencyKey = "c1-start", PlanId = "pro", PeriodStart = periodStart, PeriodEnd = periodStart.AddMonths(1),
            })).Succeeded);
            Assert.True((await ledger.DebitAsync(new DebitCredits { CustomerId = "c1", IdempotencyKey = "c1-d1", Credits = 130, Note = "chat" })).Succeeded);
        }
        await using (var db = NewDb())
            Assert.Equal(ArchiveOutcome.Archived, await new LedgerArchiver(db, TimeProvider.System).ArchiveNextChunkAsync("c1", 3, default));

        Assert.Equal(0, (await AuditAsync()).Found);

        // The roll-up changed behind the archive's back; the job's next reading of the chunk finds it.
        await _database.ExecuteAsync("UPDATE ledger_archive_totals SET quantity = quantity + 30 WHERE customer_id = 'c1' AND kind = 'Overage'");
        Assert.Equal(0, (await AuditAsync()).Found);     // nothing read back yet: the audit reports what the job found
        Assert.Equal((1, 1), await VerifyAllAsync());
        var run = await AuditAsync();

        Assert.Equal(1, run.Found);
        await using (var db = NewDb())
        {
            var difference = await db.Set<AuditDifference>().AsNoTracking().SingleAsync();
            Assert.Equal((AuditKinds.ArchiveMismatch, "c1", AuditDifferenceStatus.Open), (difference.Kind, difference.CustomerId, difference.Status));
            Assert.StartsWith("archive:c1:", difference.Subject);
            Assert.Contains("Overage entries of period", difference.Actual);
            Assert.Contains("30 quantity, 1 entries in the archive; the roll-up says 0, 0, 60, 1", difference.Actual);
        }

        await _database.ExecuteAsync("UPDATE ledger_archive_totals SET quantity = quantity - 30 WHERE customer_id = 'c1' AND kind = 'Overage'");
        Assert.Equal((1, 0), await VerifyAllAsync());
        var agreed = await AuditAsync();
        Assert.Equal((0, 1), (agreed.Found, agreed.Cleared));
    }

    /// <summary>The archive job's reading back, of every chunk whatever its last time.</summary>
    async Task<(int, int)> VerifyAllAsync()
    {
        await using var db = NewDb();
        return await new LedgerArchiver(db, TimeProvider.System).VerifyDueAsync(TimeSpan.Zero, 100, default);
    }
}
