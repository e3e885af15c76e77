using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Credits.Persistence.Webhooks;

class WebhookEndpointConfiguration : IEntityTypeConfiguration<WebhookEndpoint>
{
    public void Configure(EntityTypeBuilder<WebhookEndpoint> b)
    {
        b.ToTable("webhook_endpoints");
        b.HasKey(x => x.Id);
        b.Property(x => x.Id).HasColumnName("id");
        b.Property(x => x.Url).HasColumnName("url").HasMaxLength(WebhookUrls.MaxLength);
        // A text[]: the dispatcher finds the endpoints of an event type with "= ANY(event_types)".
        b.Property(x => x.EventTypes).HasColumnName("event_types");
        b.Property(x => x.Description).HasColumnName("description").HasMaxLength(500);
        b.Property(x => x.Secret).HasColumnName("secret").HasMaxLength(100);
        b.Property(x => x.PreviousSecret).HasColumnName("previous_secret").HasMaxLength(100);
        b.Property(x => x.PreviousSecretExpiresAt).HasColumnName("previous_secret_expires_at");
        b.Property(x => x.Enabled).HasColumnName("enabled");
        b.Property(x => x.CreatedAt).HasColumnName("created_at");
    }
}
