using Credits.Ledger.Pricing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Credits.Ledger.Mapping;

sealed class RateCardVersionConfiguration : IEntityTypeConfiguration<RateCardVersion>
{
    public void Configure(EntityTypeBuilder<RateCardVersion> b)
    {
        b.ToTable("rate_card_versions");
        b.HasKey(x => x.Version);
        b.Property(x => x.Version).HasColumnName("version").ValueGeneratedNever();
        b.Property(x => x.EffectiveFrom).HasColumnName("effective_from");
        b.Property(x => x.PublishedAt).HasColumnName("published_at");
        b.HasIndex(x => x.EffectiveFrom).IsUnique().HasDatabaseName("ux_rate_card_versions_effective_from");
    }
}
