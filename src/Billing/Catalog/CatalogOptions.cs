using System.ComponentModel.DataAnnotations;

namespace Credits.Billing.Catalog;

/// <summary>Section <c>Catalog</c>: when to sync, and the webhook endpoint Stripe should call.</summary>
public sealed class CatalogOptions : IValidatableObject
{
    public const string Section = "Catalog";

    /// <summary>The Orchestrator runs <see cref="CatalogSync"/> at start-up when true.</summary>
    public bool SyncOnStart { get; set; }

    /// <summary>The plan a customer registered without a plan gets.</summary>
    public string DefaultPlan { get; set; } = "hobby";

    /// <summary>How long Orchestrator start-up waits for the Stripe prices before starting anyway.</summary>
    public TimeSpan StartupWait { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Test mode only: each new Stripe customer gets its own test clock, so tests and demos can move one
    /// customer's billing through periods. Refused with a live key.
    /// </summary>
    public bool TestClockPerCustomer { get; set; }

    /// <summary>Public URL of the Gateway's POST /webhooks/stripe; no webhook endpoint is managed when empty.</summary>
    public string? WebhookUrl { get; set; }

    /// <summary>Event types the webhook endpoint subscribes to (those Credits translates).</summary>
    public string[] WebhookEvents { get; set; } = [.. Webhooks.StripeEventTranslator.HandledTypes];

    public IEnumerable<ValidationResult> Validate(ValidationContext context)
    {
        if (WebhookUrl is { Length: > 0 } && !Uri.TryCreate(WebhookUrl, UriKind.Absolute, out _))
            yield return new("Catalog:WebhookUrl must be an absolute URL", [nameof(WebhookUrl)]);
        if (string.IsNullOrWhiteSpace(DefaultPlan))
            yield return new("Catalog:DefaultPlan must name a plan", [nameof(DefaultPlan)]);
        if (StartupWait < TimeSpan.Zero)
            yield return new("Catalog:StartupWait must not be negative", [nameof(StartupWait)]);
        if (WebhookEvents.Length == 0)
            yield return new("Catalog:WebhookEvents must name at least one event type", [nameof(WebhookEvents)]);
    }
}
