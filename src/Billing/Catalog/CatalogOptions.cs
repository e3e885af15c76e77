using System.ComponentModel.DataAnnotations;

namespace Credits.Billing.Catalog;

/// <summary>Section <c>Catalog</c>: when to sync, and the webhook endpoint Stripe should call.</summary>
public sealed class CatalogOptions : IValidatableObject
{
    public const string Section = "Catalog";

    /// <summary>The Orchestrator runs <see cref="CatalogSync"/> at start-up when true.</summary>
    public bool SyncOnStart { get; set; }

    /// <summary>Public URL of the Gateway's POST /webhooks/stripe; no webhook endpoint is managed when empty.</summary>
    public string? WebhookUrl { get; set; }

    /// <summary>Event types the webhook endpoint subscribes to (those Credits translates).</summary>
    public string[] WebhookEvents { get; set; } = [.. Webhooks.StripeEventTranslator.HandledTypes];

    public IEnumerable<ValidationResult> Validate(ValidationContext context)
    {
        if (WebhookUrl is { Length: > 0 } && !Uri.TryCreate(WebhookUrl, UriKind.Absolute, out _))
            yield return new("Catalog:WebhookUrl must be an absolute URL", [nameof(WebhookUrl)]);
        if (WebhookEvents.Length == 0)
            yield return new("Catalog:WebhookEvents must name at least one event type", [nameof(WebhookEvents)]);
    }
}
