using Credits.Billing.Audit;
using Credits.Billing.Tests.Support;
using Credits.Contracts.TopUps;
using Credits.Ledger;
using Credits.Ledger.Archive;
using Credits.Ledger.Commands;
using Credits.Ledger.Model;
using Credits.Ledger.Plans;
using Credits.Testing;
using Xunit;

namespace Credits.Billing.Tests.Audit;

/// <summary>
/// The money audit's look-ups of grant entries by key once the grant's month has left the hot table
/// (docs/ledger-archive.md, "What comes next"): a refund can name a purchase months old, and the allowance check reads a
/// grant's plan from its entry. Both find the entry in the archive, through the cold tier of keys.
/// </summary>
public sealed class ArchivedPurchaseEntriesTests : IAsyncLifetime
{
    readonly AuditTestDatabase _database = new();
    static readonly PlanCatalog Plans = new([new PlanDefinition { Id = "pro", DisplayName = "Pro", IncludedCredits = 100, OverageAllowed = true }]);

    public Task InitializeAsync() => _database.InitializeAsync();

    public Task DisposeAsync() => _database.DisposeAsync();

    [Fact]
    public async Task A_purchase_and_an_allowance_months_old_are_found_with_their_entries_in_the_archive()
    {
        // Four months ago: a period's allowance and a purchase; then, now, another purchase.
        var then = new ManualClock(DateTimeOffset.UtcNow.AddMonths(-4));
        var periodStart = new DateTimeOffset(then.Now.Year, then.Now.Month, 1, 0, 0, 0, TimeSpan.Zero);
        Guid oldPurchase = Guid.NewGuid(), newPurchase = Guid.NewGuid();
        Guid allowance, oldGrant, newGrant;
        await using (var db = _database.NewDb())
        {
            var ledger = new CreditLedger(db, Plans, then);
            allowance = (await ledger.StartPeriodAsync(new StartPeriod
            {
                CustomerId = "c1", IdempotencyKey = "c1-start", PlanId = "pro", PeriodStart = periodStart, PeriodEnd = periodStart.AddMonths(1),
            })).GrantId!.Value;
            oldGrant = (await ledger.GrantAsync(new GrantCredits
            {
                CustomerId = "c1", IdempotencyKey = PurchaseKeys.Grant(oldPurchase), Credits = 500, Source = GrantSource.Purchase, Note = "top-up",
            })).GrantId!.Value;
            newGrant = (await new CreditLedger(db, Plans, TimeProvider.System).GrantAsync(new GrantCredits
            {
                CustomerId = "c1", IdempotencyKey = PurchaseKeys.Grant(newPurchase), Credits = 200, Source = GrantSource.Purchase,
            })).GrantId!.Value;
        }
        await using (var db = _database.NewDb())
            Assert.Equal(ArchiveOutcome.Archived, await new LedgerArchiver(db, TimeProvider.System).ArchiveNextChunkAsync("c1", 3, default));
        await using (var db = _database.NewDb())
            Assert.Equal(2, await new LedgerArchiver(db, TimeProvider.System).RemoveArchivedAsync("c1", default));

        await using (var db = _database.NewDb())
        {
            var books = new PurchaseBooks(new AuditDatabase(db));
            var found = await books.EntriesUnderAsync(
                [("c1", PurchaseKeys.Grant(oldPurchase)), ("c1", PurchaseKeys.Grant(newPurchase)), ("c1", PurchaseKeys.Grant(Guid.NewGuid())),
                 (null, "c1-start")], ct: default);

            Assert.Equal(
                [(PurchaseKeys.Grant(newPurchase), "Grant", 200L, (Guid?)newGrant), (PurchaseKeys.Grant(oldPurchase), "Grant", 500L, oldGrant)],
                found.Select(e => (e.Key, e.Kind, e.Quantity, e.GrantId)).OrderBy(e => e.Quantity));
            Assert.Equal(("c1", "top-up"), (found.Single(e => e.GrantId == oldGrant).CustomerId, found.Single(e => e.GrantId == oldGrant).Note));

            var allowances = await books.GrantEntriesAsync([("c1", "c1-start", allowance), ("c1", "c1-start", Guid.NewGuid())], default);
            Assert.Equal([allowance], allowances.Keys);
            Assert.Equal("plan pro", allowances[allowance].Note);
        }
    }
}
