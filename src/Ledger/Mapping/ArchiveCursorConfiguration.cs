using Credits.Ledger.Archive;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Credits.Ledger.Mapping;

sealed class ArchiveCursorConfiguration : IEntityTypeConfiguration<ArchiveCursor>
{
    public void Configure(EntityTypeBuilder<ArchiveCursor> b)
    {
        b.ToTable("ledger_archive_cursors");
        b.HasKey(x => x.CustomerId);
        b.Property(x => x.CustomerId).HasColumnName("customer_id");
        b.Property(x => x.ArchivedThrough).HasColumnName("archived_through");
        b.Property(x => x.NextCheckAt).HasColumnName("next_check_at");
    }
}
