using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Credits.Persistence.Operators;

class OperatorActionConfiguration : IEntityTypeConfiguration<OperatorAction>
{
    public void Configure(EntityTypeBuilder<OperatorAction> builder)
    {
        builder.ToTable("operator_actions");
        builder.HasKey(x => x.Id);
        builder.Property(x => x.Id).HasColumnName("id").UseIdentityAlwaysColumn();
        builder.Property(x => x.At).HasColumnName("at");
        builder.Property(x => x.Actor).HasColumnName("actor").HasMaxLength(300).IsRequired();
        builder.Property(x => x.Action).HasColumnName("action").HasMaxLength(64).IsRequired();
        builder.Property(x => x.CustomerId).HasColumnName("customer_id").HasMaxLength(128);
        builder.Property(x => x.Subject).HasColumnName("subject");
        builder.Property(x => x.Reason).HasColumnName("reason").HasMaxLength(2000).IsRequired();
        builder.Property(x => x.Details).HasColumnName("details").HasColumnType("jsonb").IsRequired();
        builder.HasIndex(x => new { x.CustomerId, x.At }).HasDatabaseName("ix_operator_actions_customer_id_at");
        builder.HasIndex(x => x.At).HasDatabaseName("ix_operator_actions_at");
    }
}
