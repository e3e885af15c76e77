using Credits.Ledger.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Credits.Ledger.Mapping;

sealed class LedgerEntryConfiguration : IEntityTypeConfiguration<LedgerEntry>
{
    public void Configure(EntityTypeBuilder<LedgerEntry> b)
    {
        // No foreign key to ledger_accounts: every entry is written under that account's row lock,
        // and a per-row referential check would be the most expensive part of a batch insert.
        b.ToTable("ledger_entries");
        // The key leads with the customer: every reader asks for one customer's entries (history, period, export,
        // overage), so a key of the id alone was a second index on every entry, 23 of its 290 bytes (docs/SCALING.md,
        // section 6). The id stays unique on its own: it is an identity, always generated.
        b.HasKey(x => new { x.CustomerId, x.Id });
        b.Property(x => x.Id).HasColumnName("id").UseIdentityAlwaysColumn();
        b.Property(x => x.CustomerId).HasColumnName("customer_id").IsRequired();
        b.Property(x => x.Kind).HasColumnName("kind").HasConversion<string>().IsRequired();
        b.Property(x => x.Amount).HasColumnName("amount");
        b.Property(x => x.HeldChange).HasColumnName("held_change");
        b.Property(x => x.Quantity).HasColumnName("quantity");
        b.Property(x => x.GrantId).HasColumnName("grant_id");
        b.Property(x => x.ReservationId).HasColumnName("reservation_id");
        b.Property(x => x.IdempotencyKey).HasColumnName("idempotency_key").IsRequired();
        b.Property(x => x.KeyHash).HasColumnName("key_hash").HasComputedColumnSql(EntryHashes.KeyHashSql, stored: true);
        b.Property(x => x.Sequence).HasColumnName("sequence");
        b.Property(x => x.Fingerprint).HasColumnName("fingerprint");
        b.Property(x => x.PeriodStart).HasColumnName("period_start");
        b.Property(x => x.OccurredAt).HasColumnName("occurred_at");
        b.Property(x => x.RecordedAt).HasColumnName("recorded_at");
        b.Property(x => x.Note).HasColumnName("note");
        // No foreign key to usage_rates, for the reason above; rates are never deleted (RateCardPublisher).
        b.Property(x => x.RateId).HasColumnName("rate_id");
        b.Property(x => x.NativeQuantity).HasColumnName("native_quantity").HasPrecision(19, 6);
        b.Property(x => x.MemberRef).HasColumnName("member_ref");
        // The last line of defence for idempotency: a key's entries can be written once only. The index holds the
        // key's 16-byte hash, not its text: it grows with every usage event for ever (docs/SCALING.md, section 6).
        b.HasIndex(x => new { x.KeyHash, x.Sequence }).IsUnique().HasDatabaseName("ux_ledger_entries_key_hash");
        b.HasIndex(x => new { x.CustomerId, x.PeriodStart, x.Id })
            .HasFilter("kind = 'Overage'").HasDatabaseName("ix_ledger_entries_overage");
    }
}
