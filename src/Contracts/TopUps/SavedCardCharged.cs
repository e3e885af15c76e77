namespace Credits.Contracts.TopUps;

/// <summary>Answer to <see cref="ChargeSavedCard"/>: the PaymentIntent and its status (<c>succeeded</c> when Stripe confirmed it synchronously).</summary>
public record SavedCardCharged
{
    public Guid PurchaseId { get; init; }
    public string PaymentIntentId { get; init; } = "";
    public string Status { get; init; } = "";
}
