namespace Credits.Contracts.Customers;

/// <summary>One item of a customer's Stripe subscription, as the sagas track it: Stripe's item id, its price and the price's usage type (<c>licensed</c> = the flat fee, <c>metered</c> = overage).</summary>
public record SubscriptionItem
{
    public string ItemId { get; init; } = "";
    public string PriceId { get; init; } = "";
    public string UsageType { get; init; } = "licensed";
}
