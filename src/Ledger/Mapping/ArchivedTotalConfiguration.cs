using Credits.Ledger.Archive;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Credits.Ledger.Mapping;

sealed class ArchivedTotalConfiguration : IEntityTypeConfiguration<ArchivedTotal>
{
    public void Configure(EntityTypeBuilder<ArchivedTotal> b)
    {
        b.ToTable("ledger_archive_totals");
        b.HasKey(x => new { x.CustomerId, x.FirstEntryId, x.Kind, x.PeriodStart });
        b.Property(x => x.CustomerId).HasColumnName("customer_id");
        b.Property(x => x.FirstEntryId).HasColumnName("first_entry_id");
        b.Property(x => x.Kind).HasColumnName("kind").HasConversion<string>();
        b.Property(x => x.PeriodStart).HasColumnName("period_start");
        b.Property(x => x.Amount).HasColumnName("amount");
        b.Property(x => x.HeldChange).HasColumnName("held_change");
        b.Property(x => x.Quantity).HasColumnName("quantity");
        b.Property(x => x.Entries).HasColumnName("entries");
        b.HasOne<ArchivedChunk>().WithMany().HasForeignKey(x => new { x.CustomerId, x.FirstEntryId }).OnDelete(DeleteBehavior.Cascade);
    }
}
