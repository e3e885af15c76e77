using Credits.Messaging.Sagas;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Credits.Sagas.StateMachines;

public sealed class AutoTopUpStateMap : IEntityTypeConfiguration<AutoTopUpState>
{
    public void Configure(EntityTypeBuilder<AutoTopUpState> entity)
    {
        entity.ToTable("auto_top_up_saga");
        entity.MapSagaInstance();
        entity.Property(x => x.CurrentState).HasColumnName("current_state").HasMaxLength(64);
        entity.Property(x => x.CustomerId).HasColumnName("customer_id").HasMaxLength(128);
        entity.Property(x => x.StripeCustomerId).HasColumnName("stripe_customer_id").HasMaxLength(128);
        entity.Property(x => x.Enabled).HasColumnName("enabled");
        entity.Property(x => x.Threshold).HasColumnName("threshold");
        entity.Property(x => x.Credits).HasColumnName("credits");
        entity.Property(x => x.Amount).HasColumnName("amount");
        entity.Property(x => x.Currency).HasColumnName("currency").HasMaxLength(3);
        entity.Property(x => x.PurchaseId).HasColumnName("purchase_id");
        entity.Property(x => x.PurchasesStarted).HasColumnName("purchases_started");
        entity.Property(x => x.MonthlyCap).HasColumnName("monthly_cap");
        entity.Property(x => x.CapMonth).HasColumnName("cap_month");
        entity.Property(x => x.StartedThisMonth).HasColumnName("started_this_month");
        entity.Property(x => x.CapReachedMonth).HasColumnName("cap_reached_month");
        entity.Property(x => x.ConsecutiveFailures).HasColumnName("consecutive_failures");
        entity.Property(x => x.LastFailure).HasColumnName("last_failure");
        entity.Property(x => x.SuspendedAt).HasColumnName("suspended_at");
        entity.Property(x => x.UpdatedAt).HasColumnName("updated_at");
    }
}
