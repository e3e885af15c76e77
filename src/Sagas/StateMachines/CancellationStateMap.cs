using Credits.Messaging.Sagas;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Credits.Sagas.StateMachines;

public sealed class CancellationStateMap : IEntityTypeConfiguration<CancellationState>
{
    public void Configure(EntityTypeBuilder<CancellationState> entity)
    {
        entity.ToTable("cancellation_saga");
        entity.MapSagaInstance();
        entity.Property(x => x.CurrentState).HasColumnName("current_state").HasMaxLength(64);
        entity.Property(x => x.CustomerId).HasColumnName("customer_id").HasMaxLength(128);
        entity.Property(x => x.StripeCustomerId).HasColumnName("stripe_customer_id").HasMaxLength(128);
        entity.Property(x => x.SubscriptionId).HasColumnName("subscription_id").HasMaxLength(128);
        entity.Property(x => x.PlanId).HasColumnName("plan_id").HasMaxLength(128);
        entity.Property(x => x.FreePlanId).HasColumnName("free_plan_id").HasMaxLength(128);
        entity.Property(x => x.Mode).HasColumnName("mode").HasMaxLength(32);
        entity.Property(x => x.RequestedBy).HasColumnName("requested_by").HasMaxLength(256);
        entity.Property(x => x.Reason).HasColumnName("reason").HasMaxLength(128);
        entity.Property(x => x.PeriodStart).HasColumnName("period_start");
        entity.Property(x => x.PeriodEnd).HasColumnName("period_end");
        entity.Property(x => x.StripeEnded).HasColumnName("stripe_ended");
        entity.Property(x => x.AllowanceLapsed).HasColumnName("allowance_lapsed");
        entity.Property(x => x.PeriodEndTokenId).HasColumnName("period_end_token_id");
        entity.Property(x => x.Steps).HasColumnName("steps");
        entity.Property(x => x.LastError).HasColumnName("last_error");
        entity.Property(x => x.CreatedAt).HasColumnName("created_at");
        entity.Property(x => x.UpdatedAt).HasColumnName("updated_at");
        entity.HasIndex(x => x.CustomerId).HasDatabaseName("ix_cancellation_saga_customer_id");
        // customer.subscription.deleted is matched to the cancellation by subscription id.
        entity.HasIndex(x => x.SubscriptionId).HasDatabaseName("ix_cancellation_saga_subscription_id");
    }
}
