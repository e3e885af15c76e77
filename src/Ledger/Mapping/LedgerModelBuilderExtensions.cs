using Microsoft.EntityFrameworkCore;

namespace Credits.Ledger.Mapping;

public static class LedgerModelBuilderExtensions
{
    /// <summary>
    /// Maps the ledger's tables (ledger_accounts, ledger_grants, ledger_entries, ledger_reservations,
    /// ledger_overage_reports, the archive's chunks, totals, keys and cursors) into the host's DbContext, so its migrations create them and the
    /// ledger can write in the host's transaction.
    /// </summary>
    public static ModelBuilder AddLedger(this ModelBuilder modelBuilder) =>
        modelBuilder
            .ApplyConfiguration(new LedgerAccountConfiguration())
            .ApplyConfiguration(new CreditGrantConfiguration())
            .ApplyConfiguration(new LedgerEntryConfiguration())
            .ApplyConfiguration(new CreditReservationConfiguration())
            .ApplyConfiguration(new OverageReportConfiguration())
            .ApplyConfiguration(new Expiry.ExpiryWarningConfiguration())
            .ApplyConfiguration(new RateCardVersionConfiguration())
            .ApplyConfiguration(new UsageRateConfiguration())
            .ApplyConfiguration(new LedgerMemberConfiguration())
            .ApplyConfiguration(new ArchivedChunkConfiguration())
            .ApplyConfiguration(new ArchivedTotalConfiguration())
            .ApplyConfiguration(new ArchivedKeysConfiguration())
            .ApplyConfiguration(new ArchiveCursorConfiguration());
}
