using Credits.Ledger.Archive;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Credits.Ledger.Mapping;

sealed class ArchivedKeysConfiguration : IEntityTypeConfiguration<ArchivedKeys>
{
    public void Configure(EntityTypeBuilder<ArchivedKeys> b)
    {
        b.ToTable("ledger_archive_keys");
        b.HasKey(x => new { x.CustomerId, x.FirstEntryId });
        b.Property(x => x.CustomerId).HasColumnName("customer_id");
        b.Property(x => x.FirstEntryId).HasColumnName("first_entry_id");
        b.Property(x => x.Keys).HasColumnName("keys");
        b.Property(x => x.Filter).HasColumnName("filter").IsRequired();
        b.Property(x => x.Fences).HasColumnName("fences").IsRequired();
        b.Property(x => x.Hashes).HasColumnName("hashes").IsRequired();
        b.HasOne<ArchivedChunk>().WithOne().HasForeignKey<ArchivedKeys>(x => new { x.CustomerId, x.FirstEntryId }).OnDelete(DeleteBehavior.Cascade);
    }
}
