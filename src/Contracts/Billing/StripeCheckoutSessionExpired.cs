namespace Credits.Contracts.Billing;

/// <summary>Stripe <c>checkout.session.expired</c> (or <c>async_payment_failed</c>): the purchase did not happen.</summary>
public record StripeCheckoutSessionExpired
{
    public string EventId { get; init; } = "";
    public string EventType { get; init; } = "";
    public DateTimeOffset EventCreated { get; init; }
    public string SessionId { get; init; } = "";
    public string? StripeCustomerId { get; init; }
    public string? ClientReferenceId { get; init; }
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();
}
