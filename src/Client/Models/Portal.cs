namespace Credits.Client;

// POST /v1/customers/{id}/portal-sessions (src/Gateway/Portal/PortalSessionApi.cs).

/// <summary>A link to the customer portal for one customer: redirect the signed-in customer to <see cref="Url"/> before it expires.</summary>
public sealed record PortalSession(string Url, DateTimeOffset ExpiresAt);
