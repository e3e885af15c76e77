namespace Credits.Contracts.Billing;

/// <summary>Stripe's <c>billing_reason</c> of an invoice, as far as Credits' periods care.</summary>
public static class InvoiceBillingReasons
{
    public const string SubscriptionCreate = "subscription_create";
    public const string SubscriptionCycle = "subscription_cycle";

    /// <summary>
    /// A subscription's first invoice and each renewal open a billing period (and its allowance); a proration
    /// (<c>subscription_update</c>) or a manual invoice opens none. The customer saga and the money audit both go by this.
    /// </summary>
    public static bool OpensPeriod(string? billingReason) => billingReason is SubscriptionCreate or SubscriptionCycle;
}
