namespace Credits.Contracts.Billing;

/// <summary>Stripe <c>invoice.payment_failed</c>: a subscription invoice could not be charged.</summary>
public record StripeInvoicePaymentFailed
{
    public string EventId { get; init; } = "";
    public DateTimeOffset EventCreated { get; init; }
    public string InvoiceId { get; init; } = "";
    public string StripeCustomerId { get; init; } = "";
    public string? CustomerId { get; init; }
    public string? SubscriptionId { get; init; }
    public string? BillingReason { get; init; }
    public long AmountDue { get; init; }
    public string Currency { get; init; } = "";
    public long AttemptCount { get; init; }
    /// <summary>Stripe's page where the customer can pay the invoice (set once the invoice is finalized).</summary>
    public string? HostedInvoiceUrl { get; init; }
}
