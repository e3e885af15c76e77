using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Credits.Persistence.Promotions;

class PromotionRedemptionConfiguration : IEntityTypeConfiguration<PromotionRedemption>
{
    public void Configure(EntityTypeBuilder<PromotionRedemption> b)
    {
        b.ToTable("promotion_redemptions");
        // Once per customer: the key itself is the last line of defence behind the code row's lock.
        b.HasKey(x => new { x.Code, x.CustomerId });
        b.Property(x => x.Code).HasColumnName("code").HasMaxLength(PromotionCodeText.MaxLength);
        b.Property(x => x.CustomerId).HasColumnName("customer_id").HasMaxLength(128);
        b.Property(x => x.RedeemedAt).HasColumnName("redeemed_at");
        b.Property(x => x.Credits).HasColumnName("credits");
        b.Property(x => x.ExpiresAt).HasColumnName("expires_at");
        b.Property(x => x.GrantId).HasColumnName("grant_id");
        b.Property(x => x.LedgerKey).HasColumnName("ledger_key").HasMaxLength(400);
        b.Property(x => x.Channel).HasColumnName("channel").HasMaxLength(16);
        b.HasOne<PromotionCode>().WithMany().HasForeignKey(x => x.Code).OnDelete(DeleteBehavior.Restrict);
        // A customer's redemptions, for the portal and the console's customer page.
        b.HasIndex(x => new { x.CustomerId, x.RedeemedAt }).HasDatabaseName("ix_promotion_redemptions_customer_id_redeemed_at");
    }
}
