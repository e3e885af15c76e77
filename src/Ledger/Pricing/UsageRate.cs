namespace Credits.Ledger.Pricing;

/// <summary>
/// One rate of a published version (table <c>usage_rates</c>). A priced entry refers to it by <see cref="Id"/>, which
/// names the version, feature, unit and price in four bytes instead of repeating them on every entry.
/// </summary>
public class UsageRate
{
    public int Id { get; set; }
    public int Version { get; set; }
    /// <summary>The feature or model, or <see cref="RateCardCatalog.AnyFeature"/> for the unit's default rate.</summary>
    public string Feature { get; set; } = "";
    public string Unit { get; set; } = "";
    public decimal CreditsPerUnit { get; set; }
}
