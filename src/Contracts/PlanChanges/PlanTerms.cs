namespace Credits.Contracts.PlanChanges;

/// <summary>What the sagas need to know about a plan, from the catalog: its Stripe prices and allowance. <see cref="MeteredPriceId"/> null = no overage (the subscription must then have no metered item). <see cref="MonthlyAmount"/> orders plans: higher is an upgrade.</summary>
public record PlanTerms
{
    public string PlanId { get; init; } = "";
    public string FlatPriceId { get; init; } = "";
    public string? MeteredPriceId { get; init; }
    public long MonthlyAmount { get; init; }
    public long IncludedCredits { get; init; }
    public bool HasOverage => MeteredPriceId is not null;
}
