using Credits.Ledger.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Credits.Ledger.Mapping;

sealed class OverageReportConfiguration : IEntityTypeConfiguration<OverageReport>
{
    public void Configure(EntityTypeBuilder<OverageReport> b)
    {
        b.ToTable("ledger_overage_reports");
        b.HasKey(x => x.IdempotencyKey);
        b.Property(x => x.IdempotencyKey).HasColumnName("idempotency_key");
        b.Property(x => x.CustomerId).HasColumnName("customer_id").IsRequired();
        b.Property(x => x.PeriodStart).HasColumnName("period_start");
        b.Property(x => x.Quantity).HasColumnName("quantity");
        b.Property(x => x.LastEntryId).HasColumnName("last_entry_id");
        b.Property(x => x.ReportedAt).HasColumnName("reported_at");
        b.HasIndex(x => new { x.CustomerId, x.PeriodStart, x.LastEntryId }).HasDatabaseName("ix_ledger_overage_reports_period");
    }
}
