using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Credits.Persistence.Diagnostics;

class RoundTripConfiguration : IEntityTypeConfiguration<RoundTrip>
{
    public void Configure(EntityTypeBuilder<RoundTrip> builder)
    {
        builder.ToTable("round_trip");
        builder.HasKey(x => x.Id);
        builder.Property(x => x.Id).HasColumnName("id");
        builder.Property(x => x.Text).HasColumnName("text").HasMaxLength(1000);
        builder.Property(x => x.RequestedAt).HasColumnName("requested_at");
        builder.Property(x => x.CompletedAt).HasColumnName("completed_at");
        builder.Property(x => x.TraceId).HasColumnName("trace_id").HasMaxLength(32);
    }
}
