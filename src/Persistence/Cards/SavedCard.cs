namespace Credits.Persistence.Cards;

/// <summary>
/// The card Credits last made a customer's default (table saved_cards, one row per customer), written by the step that
/// set it at Stripe in the same transaction as its CardSaved. The portal and GET /v1/customers/{id} show it, so the
/// Gateway never calls Stripe; a card changed in the Stripe Dashboard is not seen here (docs/lifecycle/cards.md).
/// </summary>
public sealed class SavedCard
{
    public string CustomerId { get; set; } = "";
    public string StripeCustomerId { get; set; } = "";
    public string PaymentMethodId { get; set; } = "";
    public string? Brand { get; set; }
    public string? Last4 { get; set; }
    public long? ExpMonth { get; set; }
    public long? ExpYear { get; set; }
    /// <summary>The card setup, plan change or purchase that saved it.</summary>
    public Guid OperationId { get; set; }
    public string Source { get; set; } = "";
    public DateTimeOffset SavedAt { get; set; }
}
