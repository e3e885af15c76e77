namespace Credits.Contracts.Customers;

/// <summary>
/// Step command, the one home of "this card is the default now": reads the card of <see cref="SetupIntentId"/> (a setup-mode
/// Checkout) or of <see cref="PaymentIntentId"/> (a top-up whose buyer ticked "save"; nothing happens when the card was not
/// saved to the customer), sets it as the Stripe customer's <c>invoice_settings.default_payment_method</c> and as every live
/// subscription's <c>default_payment_method</c>, records it (saved_cards) and publishes <see cref="CardSaved"/>.
/// </summary>
public record SaveDefaultCard
{
    /// <summary>The card setup, plan change or purchase that collected the card.</summary>
    public Guid OperationId { get; init; }
    /// <summary>card-setup, plan-change or top-up (<see cref="CardSaved.Source"/>).</summary>
    public string Source { get; init; } = "";
    public string CustomerId { get; init; } = "";
    public string StripeCustomerId { get; init; } = "";
    public string? SetupIntentId { get; init; }
    public string? PaymentIntentId { get; init; }
    /// <summary>The step's Stripe idempotency key; each write adds its own suffix.</summary>
    public string IdempotencyKey { get; init; } = "";
}
