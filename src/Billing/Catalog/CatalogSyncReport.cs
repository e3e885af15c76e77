namespace Credits.Billing.Catalog;

/// <summary>What a <see cref="CatalogSync"/> run did. A second run over an unchanged catalog has no Created or Updated entries.</summary>
public sealed class CatalogSyncReport
{
    public List<string> Created { get; } = [];
    public List<string> Updated { get; } = [];
    public List<string> Unchanged { get; } = [];
    public List<PriceDrift> Drift { get; } = [];
    public List<string> Failures { get; } = [];
    public string? MeterId { get; set; }
    public string? WebhookEndpointId { get; set; }
    /// <summary>Only when the endpoint was created now (Stripe shows it once): put it in Stripe:WebhookSecret. Never logged.</summary>
    public string? NewWebhookSecret { get; set; }

    public bool Changed => Created.Count > 0 || Updated.Count > 0;
    public bool Succeeded => Failures.Count == 0;

    public override string ToString() =>
        $"created {Created.Count}, updated {Updated.Count}, unchanged {Unchanged.Count}, drift {Drift.Count}, failures {Failures.Count}";
}

/// <summary>A price in Stripe whose terms differ from configuration. Left as is: customers pay it; raise PriceVersion instead.</summary>
public sealed record PriceDrift(string LookupKey, string PriceId, string Field, string Configured, string InStripe);
