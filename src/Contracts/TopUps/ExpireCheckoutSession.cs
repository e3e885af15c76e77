namespace Credits.Contracts.TopUps;

/// <summary>
/// Step command when the saga gives up on a Checkout purchase: expire its session at Stripe, so the customer can no
/// longer pay on a page Credits stopped waiting for. No answer: if the session was paid meanwhile, its
/// <c>checkout.session.completed</c> reaches the saga as a late payment.
/// </summary>
public record ExpireCheckoutSession
{
    public Guid PurchaseId { get; init; }
    public string SessionId { get; init; } = "";
    public string IdempotencyKey { get; init; } = "";
}
