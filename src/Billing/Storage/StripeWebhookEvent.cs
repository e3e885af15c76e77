namespace Credits.Billing.Storage;

/// <summary>A Stripe event received once, kept for good: its id is the key that makes a repeated delivery a no-op.</summary>
public class StripeWebhookEvent
{
    public string EventId { get; set; } = "";
    public string Type { get; set; } = "";
    public string? ObjectId { get; set; }
    public DateTimeOffset EventCreated { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }
    /// <summary>published, stale (older than what was applied for the object: not published), ignored (unhandled type).</summary>
    public string Outcome { get; set; } = "";
}
