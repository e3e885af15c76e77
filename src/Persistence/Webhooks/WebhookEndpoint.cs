namespace Credits.Persistence.Webhooks;

/// <summary>
/// An app's receiver for Credits' own events (table webhook_endpoints): the URL, the event types it wants from
/// <see cref="WebhookEventTypes"/>, and the secret every delivery is signed with. docs/webhooks.md.
/// </summary>
public sealed class WebhookEndpoint
{
    public Guid Id { get; set; }
    public string Url { get; set; } = "";
    public List<string> EventTypes { get; set; } = [];
    public string Description { get; set; } = "";
    /// <summary>The signing secret. Stored because every delivery is signed with it; shown once, at creation or rotation.</summary>
    public string Secret { get; set; } = "";
    /// <summary>The secret before the last rotation, still signed with until <see cref="PreviousSecretExpiresAt"/>.</summary>
    public string? PreviousSecret { get; set; }
    public DateTimeOffset? PreviousSecretExpiresAt { get; set; }
    /// <summary>A disabled endpoint is given no new deliveries, and its pending ones wait until it is enabled again.</summary>
    public bool Enabled { get; set; } = true;
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>The secrets a delivery at <paramref name="now"/> is signed with: the current one, and the previous one during the overlap.</summary>
    public IReadOnlyList<string> SigningSecrets(DateTimeOffset now) =>
        PreviousSecret is { } previous && PreviousSecretExpiresAt > now ? [Secret, previous] : [Secret];
}
