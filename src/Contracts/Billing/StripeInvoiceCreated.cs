namespace Credits.Contracts.Billing;

/// <summary>
/// Stripe <c>invoice.created</c>. For a renewal (<c>subscription_cycle</c>) it is the draft Stripe creates when
/// the period rolls, about an hour before it is finalized and charged: the new period has begun.
/// <see cref="PeriodStart"/>/<see cref="PeriodEnd"/> are the period the invoice opens (its subscription lines).
/// </summary>
public record StripeInvoiceCreated
{
    public string EventId { get; init; } = "";
    public DateTimeOffset EventCreated { get; init; }
    public string InvoiceId { get; init; } = "";
    public string StripeCustomerId { get; init; } = "";
    public string? CustomerId { get; init; }
    public string? SubscriptionId { get; init; }
    public string? BillingReason { get; init; }
    /// <summary>draft, open, paid...</summary>
    public string Status { get; init; } = "";
    public DateTimeOffset PeriodStart { get; init; }
    public DateTimeOffset PeriodEnd { get; init; }
    /// <summary>
    /// The price of the line that bills <see cref="PeriodStart"/>-<see cref="PeriodEnd"/> in advance (a plan's flat fee):
    /// the plan Stripe renews. Null when the invoice has no such line.
    /// </summary>
    public string? ServicePriceId { get; init; }
}
