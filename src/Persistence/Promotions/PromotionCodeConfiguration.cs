using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Credits.Persistence.Promotions;

class PromotionCodeConfiguration : IEntityTypeConfiguration<PromotionCode>
{
    public void Configure(EntityTypeBuilder<PromotionCode> b)
    {
        b.ToTable("promotion_codes", t =>
        {
            // The database keeps the rules the console checks, so no other writer can break them.
            t.HasCheckConstraint("ck_promotion_codes_upper", "code = upper(code)");
            t.HasCheckConstraint("ck_promotion_codes_credits", "credits > 0");
            t.HasCheckConstraint("ck_promotion_codes_redemptions", "redemptions >= 0 AND (max_redemptions IS NULL OR redemptions <= max_redemptions)");
        });
        b.HasKey(x => x.Code);
        b.Property(x => x.Code).HasColumnName("code").HasMaxLength(PromotionCodeText.MaxLength);
        b.Property(x => x.Credits).HasColumnName("credits");
        b.Property(x => x.GrantExpiresAfterDays).HasColumnName("grant_expires_after_days");
        b.Property(x => x.GrantExpiresAt).HasColumnName("grant_expires_at");
        b.Property(x => x.ValidFrom).HasColumnName("valid_from");
        b.Property(x => x.ValidUntil).HasColumnName("valid_until");
        b.Property(x => x.MaxRedemptions).HasColumnName("max_redemptions");
        b.Property(x => x.Redemptions).HasColumnName("redemptions");
        b.Property(x => x.PlanId).HasColumnName("plan_id").HasMaxLength(128);
        b.Property(x => x.Description).HasColumnName("description").HasMaxLength(500);
        b.Property(x => x.CreatedAt).HasColumnName("created_at");
        b.Property(x => x.CreatedBy).HasColumnName("created_by").HasMaxLength(300);
    }
}
