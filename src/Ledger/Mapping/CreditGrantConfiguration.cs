using Credits.Ledger.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Credits.Ledger.Mapping;

sealed class CreditGrantConfiguration : IEntityTypeConfiguration<CreditGrant>
{
    public void Configure(EntityTypeBuilder<CreditGrant> b)
    {
        b.ToTable("ledger_grants");
        b.HasKey(x => x.Id);
        b.Property(x => x.Id).HasColumnName("id").ValueGeneratedNever();
        b.Property(x => x.CustomerId).HasColumnName("customer_id").IsRequired();
        b.Property(x => x.Source).HasColumnName("source").HasConversion<string>().IsRequired();
        b.Property(x => x.Amount).HasColumnName("amount");
        b.Property(x => x.Remaining).HasColumnName("remaining");
        b.Property(x => x.Priority).HasColumnName("priority");
        b.Property(x => x.EffectiveAt).HasColumnName("effective_at");
        b.Property(x => x.ExpiresAt).HasColumnName("expires_at");
        b.Property(x => x.PeriodStart).HasColumnName("period_start");
        b.Property(x => x.IdempotencyKey).HasColumnName("idempotency_key").IsRequired();
        b.Property(x => x.CreatedAt).HasColumnName("created_at");
        b.HasIndex(x => x.IdempotencyKey).IsUnique().HasDatabaseName("ux_ledger_grants_idempotency_key");
        // Burn-down and expiry only ever look at grants with something left.
        b.HasIndex(x => x.CustomerId).HasFilter("remaining > 0").HasDatabaseName("ix_ledger_grants_open");
        b.HasIndex(x => x.ExpiresAt).HasFilter("remaining > 0").HasDatabaseName("ix_ledger_grants_expiring");
        b.HasOne<LedgerAccount>().WithMany().HasForeignKey(x => x.CustomerId);
    }
}
