namespace Credits.Contracts.Customers;

/// <summary>
/// The answer to <see cref="CheckCardOnFile"/>: the default payment method Stripe would charge (the subscription's
/// <c>default_payment_method</c>, else the customer's <c>invoice_settings.default_payment_method</c>), or null.
/// </summary>
public record CardOnFileChecked
{
    public Guid OperationId { get; init; }
    public string? PaymentMethodId { get; init; }
}
