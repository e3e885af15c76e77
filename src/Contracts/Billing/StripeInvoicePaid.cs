namespace Credits.Contracts.Billing;

/// <summary>
/// Stripe <c>invoice.paid</c>: a subscription period is paid, so its allowance may be granted.
/// <see cref="EventCreated"/> and the period bounds are Stripe's own facts, for ordering.
/// </summary>
public record StripeInvoicePaid
{
    public string EventId { get; init; } = "";
    public DateTimeOffset EventCreated { get; init; }
    public string InvoiceId { get; init; } = "";
    public string StripeCustomerId { get; init; } = "";
    /// <summary>The app's customer id, from the Stripe customer's metadata <c>customer_id</c> when present.</summary>
    public string? CustomerId { get; init; }
    public string? SubscriptionId { get; init; }
    /// <summary>subscription_create, subscription_cycle, subscription_update, manual...</summary>
    public string? BillingReason { get; init; }
    public long AmountPaid { get; init; }
    public string Currency { get; init; } = "";
    public DateTimeOffset PeriodStart { get; init; }
    public DateTimeOffset PeriodEnd { get; init; }
    /// <summary>
    /// The price of the line that bills <see cref="PeriodStart"/>-<see cref="PeriodEnd"/> in advance (a plan's flat fee):
    /// the plan Stripe renews. Null when the invoice has no such line.
    /// </summary>
    public string? ServicePriceId { get; init; }
}
