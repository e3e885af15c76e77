using Credits.Ledger.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Credits.Ledger.Mapping;

sealed class CreditGrantConfiguration : IEntityTypeConfiguration<CreditGrant>
{
    /// <summary>The stored <c>remaining &gt; 0</c> the partial indexes test; never written, only read by SQL.</summary>
    const string IsOpen = "IsOpen";

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
        // Burn-down and expiry only ever look at grants with something left. The partial indexes test a stored
        // is_open, not remaining itself: a column in an index's predicate makes every change of it a non-HOT update
        // that writes all four indexes, and a burn-down changes remaining on every debit. is_open changes only when a
        // grant runs out, and the free space left on each page (fillfactor) lets the other updates stay on their page.
        // Queries ask for is_open, so that the planner can use these indexes (docs/BENCHMARKS.md, issue 16).
        b.Property<bool>(IsOpen).HasColumnName("is_open").HasComputedColumnSql("remaining > 0", stored: true);
        b.HasIndex(x => x.CustomerId).HasFilter("is_open").HasDatabaseName("ix_ledger_grants_open");
        b.HasIndex(x => x.ExpiresAt).HasFilter("is_open").HasDatabaseName("ix_ledger_grants_expiring");
        b.HasStorageParameter("fillfactor", 70);
        b.HasOne<LedgerAccount>().WithMany().HasForeignKey(x => x.CustomerId);
    }
}
