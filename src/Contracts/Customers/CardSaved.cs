namespace Credits.Contracts.Customers;

/// <summary>
/// A card became the customer's default payment method at Stripe: set as the Stripe customer's
/// <c>invoice_settings.default_payment_method</c> and, when the customer has a subscription, as the subscription's
/// <c>default_payment_method</c>. Renewals, proration invoices and auto top-ups are charged to it from now on.
/// Published once per saved card by whoever saved it (card setup through Checkout, an upgrade that collected a card,
/// a top-up whose buyer ticked "save my card"); dunning retries an unpaid renewal with it.
/// </summary>
public record CardSaved
{
    public string CustomerId { get; init; } = "";
    public string StripeCustomerId { get; init; } = "";
    public string PaymentMethodId { get; init; } = "";
    /// <summary>The operation that saved it (card setup, plan change or purchase id).</summary>
    public Guid OperationId { get; init; }
    /// <summary>card-setup, plan-change or top-up.</summary>
    public string Source { get; init; } = "";
    public DateTimeOffset SavedAt { get; init; }
}
