using Credits.Persistence.Webhooks;

namespace Credits.Gateway.WebhookEndpoints;

/// <summary>An endpoint as GET shows it: never its secrets, only whether a previous one still signs and until when.</summary>
public sealed record WebhookEndpointView(Guid Id, string Url, IReadOnlyList<string> EventTypes, string Description, bool Enabled,
    DateTimeOffset CreatedAt, DateTimeOffset? PreviousSecretExpiresAt)
{
    public static WebhookEndpointView Of(WebhookEndpoint e) =>
        new(e.Id, e.Url, e.EventTypes, e.Description, e.Enabled, e.CreatedAt, e.PreviousSecretExpiresAt);
}

/// <summary>The answer to a creation or rotation: the one time the secret is shown.</summary>
public sealed record WebhookEndpointWithSecret(WebhookEndpointView Endpoint, string Secret);

public sealed record WebhookDeliveryView(Guid Id, Guid EndpointId, string EventId, string EventType, string ApiVersion, string Status,
    int Attempts, DateTimeOffset NextAttemptAt, DateTimeOffset? LastAttemptAt, int? LastStatusCode, string? LastError,
    DateTimeOffset? DeliveredAt, DateTimeOffset CreatedAt)
{
    public static WebhookDeliveryView Of(WebhookDelivery d) =>
        new(d.Id, d.EndpointId, d.EventId, d.EventType, d.ApiVersion, d.Status, d.Attempts, d.NextAttemptAt, d.LastAttemptAt,
            d.LastStatusCode, d.LastError, d.DeliveredAt, d.CreatedAt);
}
