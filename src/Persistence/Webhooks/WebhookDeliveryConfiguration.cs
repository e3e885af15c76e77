using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Credits.Persistence.Webhooks;

class WebhookDeliveryConfiguration : IEntityTypeConfiguration<WebhookDelivery>
{
    public void Configure(EntityTypeBuilder<WebhookDelivery> b)
    {
        b.ToTable("webhook_deliveries");
        b.HasKey(x => x.Id);
        b.Property(x => x.Id).HasColumnName("id");
        b.Property(x => x.EndpointId).HasColumnName("endpoint_id");
        b.Property(x => x.EventId).HasColumnName("event_id").HasMaxLength(64);
        b.Property(x => x.EventType).HasColumnName("event_type").HasMaxLength(64);
        b.Property(x => x.ApiVersion).HasColumnName("api_version").HasMaxLength(16);
        b.Property(x => x.Payload).HasColumnName("payload");
        b.Property(x => x.Status).HasColumnName("status").HasMaxLength(16);
        b.Property(x => x.Attempts).HasColumnName("attempts");
        b.Property(x => x.NextAttemptAt).HasColumnName("next_attempt_at");
        b.Property(x => x.RetryingSince).HasColumnName("retrying_since");
        b.Property(x => x.LastAttemptAt).HasColumnName("last_attempt_at");
        b.Property(x => x.LastStatusCode).HasColumnName("last_status_code");
        b.Property(x => x.LastError).HasColumnName("last_error").HasMaxLength(500);
        b.Property(x => x.DeliveredAt).HasColumnName("delivered_at");
        b.Property(x => x.CreatedAt).HasColumnName("created_at");
        b.HasOne<WebhookEndpoint>().WithMany().HasForeignKey(x => x.EndpointId).OnDelete(DeleteBehavior.Cascade);
        // One delivery per event and endpoint, whatever redelivers the event.
        b.HasIndex(x => new { x.EndpointId, x.EventId }).IsUnique().HasDatabaseName("ux_webhook_deliveries_endpoint_id_event_id");
        // The worker's claim: pending rows by due time.
        b.HasIndex(x => x.NextAttemptAt).HasFilter("status = 'pending'").HasDatabaseName("ix_webhook_deliveries_due");
        // The API's list of an endpoint's deliveries, newest first.
        b.HasIndex(x => new { x.EndpointId, x.CreatedAt }).HasDatabaseName("ix_webhook_deliveries_endpoint_id_created_at");
    }
}
