using Credits.Messaging.Sagas;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Credits.Sagas.StateMachines;

public sealed class PlanChangeStateMap : IEntityTypeConfiguration<PlanChangeState>
{
    public void Configure(EntityTypeBuilder<PlanChangeState> entity)
    {
        entity.ToTable("plan_change_saga");
        entity.MapSagaInstance();
        entity.Property(x => x.CurrentState).HasColumnName("current_state").HasMaxLength(64);
        entity.Property(x => x.CustomerId).HasColumnName("customer_id").HasMaxLength(128);
        entity.Property(x => x.StripeCustomerId).HasColumnName("stripe_customer_id").HasMaxLength(128);
        entity.Property(x => x.SubscriptionId).HasColumnName("subscription_id").HasMaxLength(128);
        entity.Property(x => x.Kind).HasColumnName("kind").HasMaxLength(16);
        entity.Property(x => x.FromPlanId).HasColumnName("from_plan_id").HasMaxLength(128);
        entity.Property(x => x.ToPlanId).HasColumnName("to_plan_id").HasMaxLength(128);
        entity.Property(x => x.FromPlan).HasColumnName("from_plan").HasColumnType("jsonb");
        entity.Property(x => x.ToPlan).HasColumnName("to_plan").HasColumnType("jsonb");
        entity.Property(x => x.PreviousItems).HasColumnName("previous_items").HasColumnType("jsonb");
        entity.Property(x => x.CurrentItems).HasColumnName("current_items").HasColumnType("jsonb");
        entity.Property(x => x.PeriodStart).HasColumnName("period_start");
        entity.Property(x => x.PeriodEnd).HasColumnName("period_end");
        entity.Property(x => x.ProrationInvoiceId).HasColumnName("proration_invoice_id").HasMaxLength(128);
        entity.Property(x => x.CreditsGranted).HasColumnName("credits_granted");
        entity.Property(x => x.FailedGrantAllowance).HasColumnName("failed_grant_allowance");
        entity.Property(x => x.CardCheckoutSessionId).HasColumnName("card_checkout_session_id").HasMaxLength(128);
        entity.Property(x => x.CardCheckoutUrl).HasColumnName("card_checkout_url");
        entity.Property(x => x.CardTimeoutTokenId).HasColumnName("card_timeout_token_id");
        entity.Property(x => x.PaymentTimeoutTokenId).HasColumnName("payment_timeout_token_id");
        entity.Property(x => x.PeriodEndTokenId).HasColumnName("period_end_token_id");
        entity.Property(x => x.DeadlineTokenId).HasColumnName("deadline_token_id");
        entity.Property(x => x.Steps).HasColumnName("steps");
        entity.Property(x => x.LastError).HasColumnName("last_error");
        entity.Property(x => x.CreatedAt).HasColumnName("created_at");
        entity.Property(x => x.UpdatedAt).HasColumnName("updated_at");
        // Operations are listed per customer and proration invoices are matched to their change.
        entity.HasIndex(x => x.CustomerId).HasDatabaseName("ix_plan_change_saga_customer_id");
        entity.HasIndex(x => x.ProrationInvoiceId).HasDatabaseName("ix_plan_change_saga_proration_invoice_id");
    }
}
