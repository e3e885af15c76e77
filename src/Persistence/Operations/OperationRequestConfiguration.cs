using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Credits.Persistence.Operations;

class OperationRequestConfiguration : IEntityTypeConfiguration<OperationRequest>
{
    public void Configure(EntityTypeBuilder<OperationRequest> builder)
    {
        builder.ToTable("operation_requests");
        builder.HasKey(x => x.OperationId);
        builder.Property(x => x.OperationId).HasColumnName("operation_id").ValueGeneratedNever();
        builder.Property(x => x.Kind).HasColumnName("kind").HasMaxLength(16);
        builder.Property(x => x.CustomerId).HasColumnName("customer_id").HasMaxLength(128);
        builder.Property(x => x.IdempotencyKey).HasColumnName("idempotency_key").HasMaxLength(255);
        builder.Property(x => x.RequestedAt).HasColumnName("requested_at");
        builder.Property(x => x.Request).HasColumnName("request").HasColumnType("jsonb");
        // A customer's operations are listed newest first; the operator console lists everyone's that way.
        builder.HasIndex(x => new { x.CustomerId, x.RequestedAt }).HasDatabaseName("ix_operation_requests_customer_id_requested_at");
        builder.HasIndex(x => x.RequestedAt).HasDatabaseName("ix_operation_requests_requested_at");
    }
}
