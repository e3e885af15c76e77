using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Credits.Persistence.Cards;

public sealed class SavedCardConfiguration : IEntityTypeConfiguration<SavedCard>
{
    public void Configure(EntityTypeBuilder<SavedCard> b)
    {
        b.ToTable("saved_cards");
        b.HasKey(x => x.CustomerId);
        b.Property(x => x.CustomerId).HasColumnName("customer_id").HasMaxLength(128);
        b.Property(x => x.StripeCustomerId).HasColumnName("stripe_customer_id").HasMaxLength(128);
        b.Property(x => x.PaymentMethodId).HasColumnName("payment_method_id").HasMaxLength(128);
        b.Property(x => x.Brand).HasColumnName("brand").HasMaxLength(32);
        b.Property(x => x.Last4).HasColumnName("last4").HasMaxLength(4);
        b.Property(x => x.ExpMonth).HasColumnName("exp_month");
        b.Property(x => x.ExpYear).HasColumnName("exp_year");
        b.Property(x => x.OperationId).HasColumnName("operation_id");
        b.Property(x => x.Source).HasColumnName("source").HasMaxLength(16);
        b.Property(x => x.SavedAt).HasColumnName("saved_at");
    }
}
