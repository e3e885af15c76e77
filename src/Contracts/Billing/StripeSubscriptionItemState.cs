namespace Credits.Contracts.Billing;

/// <summary>One item of a subscription in <see cref="StripeSubscriptionUpdated"/>.</summary>
public record StripeSubscriptionItemState
{
    public string ItemId { get; init; } = "";
    public string PriceId { get; init; } = "";
    public string? PriceLookupKey { get; init; }
    /// <summary>licensed (flat fee) or metered (overage).</summary>
    public string UsageType { get; init; } = "";
    public DateTimeOffset CurrentPeriodStart { get; init; }
    public DateTimeOffset CurrentPeriodEnd { get; init; }
}
