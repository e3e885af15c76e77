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
        // The money audit reads the chunks archived in its window.
        b.HasIndex(x => x.ArchivedAt).HasDatabaseName("ix_ledger_archive_chunks_archived_at");
    }
}
