using Credits.Ledger.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Credits.Ledger.Mapping;

sealed class CreditReservationConfiguration : IEntityTypeConfiguration<CreditReservation>
{
    public void Configure(EntityTypeBuilder<CreditReservation> b)
    {
        b.ToTable("ledger_reservations");
        b.HasKey(x => x.Id);
        b.Property(x => x.Id).HasColumnName("id").ValueGeneratedNever();
        b.Property(x => x.CustomerId).HasColumnName("customer_id").IsRequired();
        b.Property(x => x.Amount).HasColumnName("amount");
        b.Property(x => x.Status).HasColumnName("status").HasConversion<string>().IsRequired();
        b.Property(x => x.ExpiresAt).HasColumnName("expires_at");
        b.Property(x => x.IdempotencyKey).HasColumnName("idempotency_key").IsRequired();
        b.Property(x => x.CreatedAt).HasColumnName("created_at");
        b.Property(x => x.ClosedAt).HasColumnName("closed_at");
        b.HasIndex(x => x.IdempotencyKey).IsUnique().HasDatabaseName("ux_ledger_reservations_idempotency_key");
        b.HasIndex(x => x.CustomerId).HasFilter("status = 'Open'").HasDatabaseName("ix_ledger_reservations_open");
        b.HasIndex(x => x.ExpiresAt).HasFilter("status = 'Open'").HasDatabaseName("ix_ledger_reservations_expiring");
        b.HasOne<LedgerAccount>().WithMany().HasForeignKey(x => x.CustomerId);
    }
}
