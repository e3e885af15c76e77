namespace Credits.Billing.Storage;

/// <summary>
/// Which Stripe customer (and subscription) belongs to an app customer. Written by whoever creates
/// the Stripe customer (the customer saga, through <see cref="Customers.StripeCustomerLinks"/>); read by
/// metering and reconciliation.
/// </summary>
public class StripeCustomerLink
{
    public string CustomerId { get; set; } = "";
    public string StripeCustomerId { get; set; } = "";
    public string? SubscriptionId { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
