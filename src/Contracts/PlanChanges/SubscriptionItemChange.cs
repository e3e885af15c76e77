namespace Credits.Contracts.PlanChanges;

/// <summary>One entry of Stripe's <c>items[]</c> in a subscription update: <see cref="ItemId"/> + <see cref="PriceId"/> swaps a price, <see cref="PriceId"/> alone adds an item, <see cref="ItemId"/> + <see cref="Deleted"/> removes one.</summary>
public record SubscriptionItemChange
{
    public string? ItemId { get; init; }
    public string? PriceId { get; init; }
    public bool Deleted { get; init; }
}
