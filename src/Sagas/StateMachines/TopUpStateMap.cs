using Credits.Messaging.Sagas;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Credits.Sagas.StateMachines;

public sealed class TopUpStateMap : IEntityTypeConfiguration<TopUpState>
{
    public void Configure(EntityTypeBuilder<TopUpState> entity)
    {
        entity.ToTable("top_up_saga");
        entity.MapSagaInstance();
        entity.Property(x => x.CurrentState).HasColumnName("current_state").HasMaxLength(64);
        entity.Property(x => x.CustomerId).HasColumnName("customer_id").HasMaxLength(128);
        entity.Property(x => x.StripeCustomerId).HasColumnName("stripe_customer_id").HasMaxLength(128);
        entity.Property(x => x.Credits).HasColumnName("credits");
        entity.Property(x => x.Amount).HasColumnName("amount");
        entity.Property(x => x.Currency).HasColumnName("currency").HasMaxLength(3);
        entity.Property(x => x.UseSavedCard).HasColumnName("use_saved_card");
        entity.Property(x => x.CheckoutSessionId).HasColumnName("checkout_session_id").HasMaxLength(128);
        entity.Property(x => x.CheckoutUrl).HasColumnName("checkout_url");
        entity.Property(x => x.PaymentIntentId).HasColumnName("payment_intent_id").HasMaxLength(128);
        entity.Property(x => x.AmountRefunded).HasColumnName("amount_refunded");
        entity.Property(x => x.RefundReported).HasColumnName("refund_reported");
        entity.Property(x => x.DisputeId).HasColumnName("dispute_id").HasMaxLength(128);
        entity.Property(x => x.DisputeStatus).HasColumnName("dispute_status").HasMaxLength(32);
        entity.Property(x => x.DisputedAmount).HasColumnName("disputed_amount");
        entity.Property(x => x.CreditsFrozen).HasColumnName("credits_frozen");
        entity.Property(x => x.AbandonTimeoutTokenId).HasColumnName("abandon_timeout_token_id");
        entity.Property(x => x.LastError).HasColumnName("last_error");
        entity.Property(x => x.CreatedAt).HasColumnName("created_at");
        entity.Property(x => x.UpdatedAt).HasColumnName("updated_at");
        // Refunds are matched to their purchase by payment intent.
        entity.HasIndex(x => x.PaymentIntentId).HasDatabaseName("ix_top_up_saga_payment_intent_id");
        // Operation lists (API, portal, console) filter purchases by customer.
        entity.HasIndex(x => x.CustomerId).HasDatabaseName("ix_top_up_saga_customer_id");
    }
}
