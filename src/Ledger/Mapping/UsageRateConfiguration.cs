using Credits.Ledger.Pricing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Credits.Ledger.Mapping;

sealed class UsageRateConfiguration : IEntityTypeConfiguration<UsageRate>
{
    public void Configure(EntityTypeBuilder<UsageRate> b)
    {
        b.ToTable("usage_rates");
        b.HasKey(x => x.Id);
        b.Property(x => x.Id).HasColumnName("id").UseIdentityAlwaysColumn();
        b.Property(x => x.Version).HasColumnName("version");
        b.Property(x => x.Feature).HasColumnName("feature").IsRequired();
        b.Property(x => x.Unit).HasColumnName("unit").IsRequired();
        // 12 decimal places (RateCardCatalog.MaxRateScale), up to LedgerLimits.MaxCredits per unit.
        b.Property(x => x.CreditsPerUnit).HasColumnName("credits_per_unit").HasPrecision(22, 12);
        b.HasOne<RateCardVersion>().WithMany().HasForeignKey(x => x.Version).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(x => new { x.Version, x.Feature, x.Unit }).IsUnique().HasDatabaseName("ux_usage_rates_version_feature_unit");
    }
}
