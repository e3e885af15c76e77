namespace Credits.Contracts.Customers;

/// <summary>
/// Step command: a Stripe Checkout session in setup mode for the customer, with metadata <c>card_setup_id</c> (=
/// <see cref="OperationId"/>) and <c>customer_id</c> on the session and its SetupIntent, in the currency of the
/// catalog's plans. Sent by the card-setup saga and by
/// an upgrade that needs a card. Answer: <see cref="CardSetupSessionCreated"/> or a fault.
/// </summary>
public record CreateCardSetupSession
{
    /// <summary>The card setup, or the plan change that needs the card.</summary>
    public Guid OperationId { get; init; }
    public string CustomerId { get; init; } = "";
    public string StripeCustomerId { get; init; } = "";
    public string IdempotencyKey { get; init; } = "";
    /// <summary>The session's own expiry (Stripe accepts 30 minutes to 24 hours ahead).</summary>
    public DateTimeOffset? ExpiresAt { get; init; }
}
