using Credits.Messaging.Sagas;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Credits.Sagas.StateMachines;

public sealed class CardSetupStateMap : IEntityTypeConfiguration<CardSetupState>
{
    public void Configure(EntityTypeBuilder<CardSetupState> entity)
    {
        entity.ToTable("card_setup_saga");
        entity.MapSagaInstance();
        entity.Property(x => x.CurrentState).HasColumnName("current_state").HasMaxLength(64);
        entity.Property(x => x.CustomerId).HasColumnName("customer_id").HasMaxLength(128);
        entity.Property(x => x.StripeCustomerId).HasColumnName("stripe_customer_id").HasMaxLength(128);
        entity.Property(x => x.CheckoutSessionId).HasColumnName("checkout_session_id").HasMaxLength(128);
        entity.Property(x => x.CheckoutUrl).HasColumnName("checkout_url");
        entity.Property(x => x.SetupIntentId).HasColumnName("setup_intent_id").HasMaxLength(128);
        entity.Property(x => x.PaymentMethodId).HasColumnName("payment_method_id").HasMaxLength(128);
        entity.Property(x => x.TimeoutTokenId).HasColumnName("timeout_token_id");
        entity.Property(x => x.LastError).HasColumnName("last_error");
        entity.Property(x => x.CreatedAt).HasColumnName("created_at");
        entity.Property(x => x.UpdatedAt).HasColumnName("updated_at");
        // Operations are listed per customer.
        entity.HasIndex(x => x.CustomerId).HasDatabaseName("ix_card_setup_saga_customer_id");
    }
}
