using Credits.Ledger.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Credits.Ledger.Mapping;

sealed class LedgerMemberConfiguration : IEntityTypeConfiguration<LedgerMember>
{
    public void Configure(EntityTypeBuilder<LedgerMember> b)
    {
        b.ToTable("ledger_members");
        b.HasKey(x => x.Id);
        b.Property(x => x.Id).HasColumnName("id").UseIdentityAlwaysColumn();
        b.Property(x => x.CustomerId).HasColumnName("customer_id").IsRequired();
        b.Property(x => x.MemberId).HasColumnName("member_id").IsRequired();
        b.Property(x => x.PeriodLimit).HasColumnName("period_limit");
        b.Property(x => x.PeriodStart).HasColumnName("period_start");
        b.Property(x => x.UsedThisPeriod).HasColumnName("used_this_period");
        b.Property(x => x.CreatedAt).HasColumnName("created_at");
        b.HasIndex(x => new { x.CustomerId, x.MemberId }).IsUnique().HasDatabaseName("ux_ledger_members_customer_member");
    }
}
