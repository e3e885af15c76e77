using Credits.Ledger.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Credits.Ledger.Mapping;

sealed class LedgerAccountConfiguration : IEntityTypeConfiguration<LedgerAccount>
{
    public void Configure(EntityTypeBuilder<LedgerAccount> b)
    {
        b.ToTable("ledger_accounts");
        b.HasKey(x => x.CustomerId);
        b.Property(x => x.CustomerId).HasColumnName("customer_id");
        b.Property(x => x.PlanId).HasColumnName("plan_id").IsRequired();
        b.Property(x => x.PeriodStart).HasColumnName("period_start");
        b.Property(x => x.PeriodEnd).HasColumnName("period_end");
        b.Property(x => x.Balance).HasColumnName("balance");
        b.Property(x => x.Held).HasColumnName("held");
        b.Property(x => x.OverageThisPeriod).HasColumnName("overage_this_period");
        b.Property(x => x.PreviousPeriodStart).HasColumnName("previous_period_start");
        b.Property(x => x.OverageNextPeriod).HasColumnName("overage_next_period");
        b.Property(x => x.OverageSuspended).HasColumnName("overage_suspended");
        b.Property(x => x.LowBalanceThreshold).HasColumnName("low_balance_threshold");
        // Defaults, because the ledger's own INSERT of a new account names only the columns it always had.
        b.Property(x => x.OveragePreviousPeriod).HasColumnName("overage_previous_period").HasDefaultValue(0L);
        b.Property(x => x.OverageCap).HasColumnName("overage_cap");
        b.Property(x => x.SpendCapAlerted).HasColumnName("spend_cap_alerted").HasDefaultValue(0);
        // Below one, with a price's 18 decimal places (UsagePricing).
        b.Property(x => x.UsageRemainder).HasColumnName("usage_remainder").HasPrecision(19, 18).HasDefaultValue(0m);
        b.Property(x => x.CreatedAt).HasColumnName("created_at");
        b.Property(x => x.UpdatedAt).HasColumnName("updated_at");
    }
}
