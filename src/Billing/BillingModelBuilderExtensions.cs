using Credits.Billing.Audit;
using Credits.Billing.Storage;
using Microsoft.EntityFrameworkCore;

namespace Credits.Billing;

public static class BillingModelBuilderExtensions
{
    /// <summary>
    /// Maps every billing table into the host's DbContext (webhook events and object versions,
    /// customer links, meter reports, the money audit's runs and differences), so they migrate with it.
    /// </summary>
    public static ModelBuilder AddStripeBilling(this ModelBuilder modelBuilder)
    {
        modelBuilder.AddStripeWebhookEvents();
        modelBuilder.AddMoneyAudit();
        modelBuilder.Entity<StripeCustomerLink>(b =>
        {
            b.ToTable("stripe_customers");
            b.HasKey(x => x.CustomerId);
            b.Property(x => x.CustomerId).HasColumnName("customer_id");
            b.Property(x => x.StripeCustomerId).HasColumnName("stripe_customer_id").IsRequired();
            b.Property(x => x.SubscriptionId).HasColumnName("subscription_id");
            b.Property(x => x.UpdatedAt).HasColumnName("updated_at");
            b.HasIndex(x => x.StripeCustomerId).IsUnique().HasDatabaseName("ux_stripe_customers_stripe_customer_id");
        });
        modelBuilder.Entity<MeterReport>(b =>
        {
            b.ToTable("stripe_meter_reports");
            b.HasKey(x => x.Identifier);
            b.Property(x => x.Identifier).HasColumnName("identifier");
            b.Property(x => x.CustomerId).HasColumnName("customer_id").IsRequired();
            b.Property(x => x.StripeCustomerId).HasColumnName("stripe_customer_id").IsRequired();
            b.Property(x => x.PeriodStart).HasColumnName("period_start");
            b.Property(x => x.Quantity).HasColumnName("quantity");
            b.Property(x => x.LastEntryId).HasColumnName("last_entry_id");
            b.Property(x => x.Timestamp).HasColumnName("timestamp");
            b.Property(x => x.CreatedAt).HasColumnName("created_at");
            b.Property(x => x.AcceptedAt).HasColumnName("accepted_at");
            b.Property(x => x.Attempts).HasColumnName("attempts");
            b.Property(x => x.LastError).HasColumnName("last_error");
            // The metering loop looks for pending reports; the audit sums accepted ones per period.
            b.HasIndex(x => x.CustomerId).HasFilter("accepted_at IS NULL").HasDatabaseName("ix_stripe_meter_reports_pending");
            b.HasIndex(x => new { x.CustomerId, x.PeriodStart }).HasDatabaseName("ix_stripe_meter_reports_customer_period");
        });
        return modelBuilder;
    }

    /// <summary>Only the webhook tables (stripe_webhook_events, stripe_object_versions), for a host that just receives webhooks.</summary>
    public static ModelBuilder AddStripeWebhookEvents(this ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<StripeWebhookEvent>(b =>
        {
            b.ToTable("stripe_webhook_events");
            b.HasKey(x => x.EventId);
            b.Property(x => x.EventId).HasColumnName("event_id");
            b.Property(x => x.Type).HasColumnName("type").IsRequired();
            b.Property(x => x.ObjectId).HasColumnName("object_id");
            b.Property(x => x.EventCreated).HasColumnName("event_created");
            b.Property(x => x.ReceivedAt).HasColumnName("received_at");
            b.Property(x => x.Outcome).HasColumnName("outcome").IsRequired();
        });
        modelBuilder.Entity<StripeObjectVersion>(b =>
        {
            b.ToTable("stripe_object_versions");
            b.HasKey(x => x.ObjectId);
            b.Property(x => x.ObjectId).HasColumnName("object_id");
            b.Property(x => x.LastEventCreated).HasColumnName("last_event_created");
            b.Property(x => x.LastEventId).HasColumnName("last_event_id").IsRequired();
            b.Property(x => x.UpdatedAt).HasColumnName("updated_at");
        });
        return modelBuilder;
    }
}
