namespace Credits.StripeEmulator.Webhooks;

/// <summary>Where one event goes, the secret that signs it and the API version it is rendered in.</summary>
public sealed record WebhookTarget(string Url, string Secret, string? Endpoint, string ApiVersion);

/// <summary>One attempt to deliver one event, kept for the control API.</summary>
public sealed record DeliveryAttempt(
    string EventId, string EventType, string Url, int Attempt, int? StatusCode, string? Error, DateTimeOffset At)
{
    public bool Succeeded => StatusCode is >= 200 and < 300;
}

/// <summary>
/// How unkind delivery is, as Stripe is allowed to be: starts at the configured defaults
/// (<c>WebhookDuplicateRate</c>, <c>WebhookReorderWindow</c>), changed at run time by the control API.
/// </summary>
public sealed class DeliveryChaos
{
    private readonly double _defaultDuplicateRate;
    private readonly TimeSpan _defaultReorderWindow;

    public DeliveryChaos(double duplicateRate, TimeSpan reorderWindow)
    {
        _defaultDuplicateRate = duplicateRate;
        _defaultReorderWindow = reorderWindow;
        Restore();
    }

    /// <summary>Share of events (0..1) delivered a second time.</summary>
    public double DuplicateRate { get; set; }

    /// <summary>When positive, each delivery waits a random time up to this, so events overtake each other.</summary>
    public TimeSpan ReorderWindow { get; set; }

    /// <summary>Back to the configured defaults (an emulator reset).</summary>
    public void Restore()
    {
        DuplicateRate = _defaultDuplicateRate;
        ReorderWindow = _defaultReorderWindow;
    }
}
