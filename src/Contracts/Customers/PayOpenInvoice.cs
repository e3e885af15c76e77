namespace Credits.Contracts.Customers;

/// <summary>
/// Step command for Stripe: pay a past-due renewal invoice with the card just saved (<c>POST /v1/invoices/{id}/pay</c> with
/// <c>payment_method</c>). No answer: the invoice.paid (or invoice.payment_failed) webhook that follows tells the customer saga.
/// </summary>
public record PayOpenInvoice
{
    public string CustomerId { get; init; } = "";
    public string InvoiceId { get; init; } = "";
    public string PaymentMethodId { get; init; } = "";
    public string IdempotencyKey { get; init; } = "";
}
