namespace Credits.Contracts.TopUps;

/// <summary>
/// Answer to <see cref="ChargeSavedCard"/>: the PaymentIntent and its status as Stripe holds it (<c>succeeded</c> when Stripe
/// confirmed it synchronously; <c>processing</c>, or <see cref="OutcomeUnknown"/> after a 5xx or a timeout, when the outcome
/// arrives later as <c>payment_intent.succeeded</c> or <c>payment_intent.payment_failed</c>).
/// </summary>
public record SavedCardCharged
{
    public Guid PurchaseId { get; init; }
    public string PaymentIntentId { get; init; } = "";
    public string Status { get; init; } = "";

    /// <summary>The status when Stripe's answer was lost (5xx, timeout) and no PaymentIntent of the purchase could be found yet.</summary>
    public const string OutcomeUnknown = "unknown";
}
