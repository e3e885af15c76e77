using Credits.Messaging.Sagas;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Credits.Sagas.StateMachines;

public sealed class CustomerLifecycleStateMap : IEntityTypeConfiguration<CustomerLifecycleState>
{
    public void Configure(EntityTypeBuilder<CustomerLifecycleState> entity)
    {
        entity.ToTable("customer_lifecycle_saga");
        entity.MapSagaInstance();
        entity.Property(x => x.CurrentState).HasColumnName("current_state").HasMaxLength(64);
        entity.Property(x => x.CustomerId).HasColumnName("customer_id").HasMaxLength(128);
        entity.Property(x => x.Email).HasColumnName("email").HasMaxLength(320);
        entity.Property(x => x.Name).HasColumnName("name").HasMaxLength(256);
        entity.Property(x => x.PlanId).HasColumnName("plan_id").HasMaxLength(128);
        entity.Property(x => x.RequestedPlanId).HasColumnName("requested_plan_id").HasMaxLength(128);
        entity.Property(x => x.StripeCustomerId).HasColumnName("stripe_customer_id").HasMaxLength(128);
        entity.Property(x => x.SubscriptionId).HasColumnName("subscription_id").HasMaxLength(128);
        entity.Property(x => x.SubscriptionStatus).HasColumnName("subscription_status").HasMaxLength(32);
        entity.Property(x => x.Items).HasColumnName("items").HasColumnType("jsonb");
        entity.Property(x => x.PeriodStart).HasColumnName("period_start");
        entity.Property(x => x.PeriodEnd).HasColumnName("period_end");
        entity.Property(x => x.AllowancePeriodStart).HasColumnName("allowance_period_start");
        entity.Property(x => x.RenewalUnpaidSince).HasColumnName("renewal_unpaid_since");
        entity.Property(x => x.RenewalGraceTokenId).HasColumnName("renewal_grace_token_id");
        entity.Property(x => x.OverageSuspended).HasColumnName("overage_suspended");
        entity.Property(x => x.PlanChangeOperationId).HasColumnName("plan_change_operation_id");
        entity.Property(x => x.LastPlanChangeOperationId).HasColumnName("last_plan_change_operation_id");
        entity.Property(x => x.CancellationOperationId).HasColumnName("cancellation_operation_id");
        entity.Property(x => x.LastCancellationOperationId).HasColumnName("last_cancellation_operation_id");
        entity.Property(x => x.CancelAt).HasColumnName("cancel_at");
        entity.Property(x => x.CancelledAt).HasColumnName("cancelled_at");
        entity.Property(x => x.PastDueInvoiceId).HasColumnName("past_due_invoice_id").HasMaxLength(128);
        entity.Property(x => x.PastDueAmount).HasColumnName("past_due_amount");
        entity.Property(x => x.PastDueCurrency).HasColumnName("past_due_currency").HasMaxLength(8);
        entity.Property(x => x.PastDueInvoiceUrl).HasColumnName("past_due_invoice_url").HasMaxLength(2048);
        entity.Property(x => x.LastError).HasColumnName("last_error");
        entity.Property(x => x.CreatedAt).HasColumnName("created_at");
        entity.Property(x => x.UpdatedAt).HasColumnName("updated_at");
        entity.HasIndex(x => x.CustomerId).IsUnique().HasDatabaseName("ux_customer_lifecycle_saga_customer_id");
        // Stripe invoice events are matched to the customer by subscription id.
        entity.HasIndex(x => x.SubscriptionId).HasDatabaseName("ix_customer_lifecycle_saga_subscription_id");
    }
}
