namespace Credits.StripeEmulator.Webhooks;

/// <summary>Where one event goes and the secret that signs it.</summary>
public sealed record WebhookTarget(string Url, string Secret, string? Endpoint);

/// <summary>One attempt to deliver one event, kept for the control API.</summary>
public sealed record DeliveryAttempt(
    string EventId, string EventType, string Url, int Attempt, int? StatusCode, string? Error, DateTimeOffset At)
{
    public bool Succeeded => StatusCode is >= 200 and < 300;
}

/// <summary>Switches that make delivery as unkind as Stripe is allowed to be.</summary>
public sealed class DeliveryChaos
{
    /// <summary>Share of events (0..1) delivered a second time.</summary>
    public double DuplicateRate { get; set; }

    /// <summary>When positive, each delivery waits a random time up to this, so events overtake each other.</summary>
    public TimeSpan ReorderWindow { get; set; }
}
