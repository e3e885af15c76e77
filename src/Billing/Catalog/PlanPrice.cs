namespace Credits.Billing.Catalog;

/// <summary>
/// Billing's view of a plan, bound from the same section "Plans" as the ledger's PlanDefinition
/// (each reads the keys it owns):
/// <code>"Plans": { "pro": { "DisplayName": "Pro", "IncludedCredits": 1000, "OverageAllowed": true,
///   "FlatMonthlyAmount": 2000, "Currency": "usd", "OverageUnitAmount": 0.5, "PriceVersion": 1 } }</code>
/// </summary>
public sealed class PlanPrice
{
    public string Id { get; set; } = "";
    public string DisplayName { get; set; } = "";
    /// <summary>Monthly fee in minor units (cents); 0 for a free plan (still a $0 price, so every customer has one flat item).</summary>
    public long FlatMonthlyAmount { get; set; }
    public string Currency { get; set; } = "usd";
    public bool OverageAllowed { get; set; }
    /// <summary>Minor units per overage credit; fractions allowed (0.5 = half a cent).</summary>
    public decimal OverageUnitAmount { get; set; }
    /// <summary>
    /// Prices are immutable in Stripe: to change an amount, raise the version; the sync then creates
    /// new prices under new lookup keys and leaves the old ones for existing subscriptions.
    /// </summary>
    public int PriceVersion { get; set; } = 1;

    public string FlatLookupKey => LookupKeys.Flat(Id, PriceVersion);
    public string OverageLookupKey => LookupKeys.Overage(Id, PriceVersion);
}
