using Credits.Ledger.Archive;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Credits.Ledger.Mapping;

sealed class ArchivedChunkConfiguration : IEntityTypeConfiguration<ArchivedChunk>
{
    public void Configure(EntityTypeBuilder<ArchivedChunk> b)
    {
        b.ToTable("ledger_archive_chunks");
        b.HasKey(x => new { x.CustomerId, x.FirstEntryId });
        b.Property(x => x.CustomerId).HasColumnName("customer_id");
        b.Property(x => x.FirstEntryId).HasColumnName("first_entry_id");
        b.Property(x => x.LastEntryId).HasColumnName("last_entry_id");
        b.Property(x => x.Month).HasColumnName("month");
        b.Property(x => x.Entries).HasColumnName("entries");
        b.Property(x => x.Content).HasColumnName("content").IsRequired();
        b.Property(x => x.ContentSha256).HasColumnName("content_sha256").IsRequired();
        b.Property(x => x.ArchivedAt).HasColumnName("archived_at");
        b.Property(x => x.VerifiedAt).HasColumnName("verified_at");
        b.Property(x => x.Difference).HasColumnName("difference");
        b.Property(x => x.RemovedAt).HasColumnName("removed_at");
        // The archive job reads the chunks verified longest ago again; the money audit reads those with a difference.
        b.HasIndex(x => x.VerifiedAt).HasDatabaseName("ix_ledger_archive_chunks_verified_at");
        b.HasIndex(x => x.CustomerId).HasFilter("difference IS NOT NULL").HasDatabaseName("ix_ledger_archive_chunks_difference");
    }
}
