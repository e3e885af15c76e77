using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Credits.Ledger.Expiry;

sealed class ExpiryWarningConfiguration : IEntityTypeConfiguration<ExpiryWarning>
{
    public void Configure(EntityTypeBuilder<ExpiryWarning> b)
    {
        b.ToTable("ledger_expiry_warnings");
        // One warning per grant: the key that makes two runners (or two runs) send it once.
        b.HasKey(x => x.GrantId);
        b.Property(x => x.GrantId).HasColumnName("grant_id").ValueGeneratedNever();
        b.Property(x => x.CustomerId).HasColumnName("customer_id").IsRequired();
        b.Property(x => x.Source).HasColumnName("source").IsRequired();
        b.Property(x => x.GrantKey).HasColumnName("grant_key").IsRequired();
        b.Property(x => x.Credits).HasColumnName("credits");
        b.Property(x => x.ExpiresAt).HasColumnName("expires_at");
        b.Property(x => x.SentAt).HasColumnName("sent_at");
        b.HasIndex(x => x.CustomerId).HasDatabaseName("ix_ledger_expiry_warnings_customer");
    }
}
