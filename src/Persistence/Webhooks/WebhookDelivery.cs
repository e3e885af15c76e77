namespace Credits.Persistence.Webhooks;

/// <summary>
/// One event for one endpoint (table webhook_deliveries): written in the transaction that consumes the event, posted
/// by the Orchestrator's delivery worker until the receiver answers 2xx or the retry window has passed. Retries and
/// replays post the same <see cref="Payload"/> with the same <see cref="EventId"/>, so a receiver deduplicates on it.
/// </summary>
public sealed class WebhookDelivery
{
    public Guid Id { get; set; }
    public Guid EndpointId { get; set; }
    /// <summary>evt_ and the bus message's id: the same for every endpoint, retry and replay of one event.</summary>
    public string EventId { get; set; } = "";
    public string EventType { get; set; } = "";
    public string ApiVersion { get; set; } = "";
    /// <summary>The exact JSON body posted (text, not jsonb, so the signed bytes never change).</summary>
    public string Payload { get; set; } = "";
    /// <summary><see cref="WebhookDeliveryStatus"/>.</summary>
    public string Status { get; set; } = WebhookDeliveryStatus.Pending;
    public int Attempts { get; set; }
    public DateTimeOffset NextAttemptAt { get; set; }
    /// <summary>Retries stop once this is further back than the retry window (creation, or the last replay).</summary>
    public DateTimeOffset RetryingSince { get; set; }
    public DateTimeOffset? LastAttemptAt { get; set; }
    public int? LastStatusCode { get; set; }
    public string? LastError { get; set; }
    public DateTimeOffset? DeliveredAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

public static class WebhookDeliveryStatus
{
    public const string Pending = "pending";
    public const string Delivered = "delivered";
    /// <summary>The retry window passed without a 2xx; listed and replayable.</summary>
    public const string Failed = "failed";
}
