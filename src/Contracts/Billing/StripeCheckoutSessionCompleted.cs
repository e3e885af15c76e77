namespace Credits.Contracts.Billing;

/// <summary>
/// Stripe <c>checkout.session.completed</c> or <c>checkout.session.async_payment_succeeded</c>.
/// Credits may be granted only when <see cref="PaymentStatus"/> is <c>paid</c>.
/// </summary>
public record StripeCheckoutSessionCompleted
{
    public string EventId { get; init; } = "";
    public string EventType { get; init; } = "";
    public DateTimeOffset EventCreated { get; init; }
    public string SessionId { get; init; } = "";
    public string? StripeCustomerId { get; init; }
    public string? ClientReferenceId { get; init; }
    public string? PaymentIntentId { get; init; }
    public string PaymentStatus { get; init; } = "";
    /// <summary>payment or setup (subscription mode is not used by Credits).</summary>
    public string Mode { get; init; } = "";
    /// <summary>A setup-mode session's SetupIntent: its payment_method is the card the customer gave.</summary>
    public string? SetupIntentId { get; init; }
    public long AmountTotal { get; init; }
    public string Currency { get; init; } = "";
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();
}
