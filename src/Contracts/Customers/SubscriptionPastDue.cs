namespace Credits.Contracts.Customers;

/// <summary>
/// Event, once per unpaid renewal invoice: Stripe could not collect the renewal (invoice.payment_failed on a
/// subscription_cycle invoice). Overage is stopped until it is paid (a successful retry, the hosted invoice page, or a new
/// card: <see cref="CardSaved"/> pays it). Stripe keeps retrying; after the last retry it ends the subscription.
/// </summary>
public record SubscriptionPastDue
{
    public string CustomerId { get; init; } = "";
    public string SubscriptionId { get; init; } = "";
    public string InvoiceId { get; init; } = "";
    public long AmountDue { get; init; }
    public string Currency { get; init; } = "";
    /// <summary>Stripe's page where the customer can pay the invoice (null if Stripe did not give one).</summary>
    public string? HostedInvoiceUrl { get; init; }
    public long AttemptCount { get; init; }
}
