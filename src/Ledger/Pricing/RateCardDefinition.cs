namespace Credits.Ledger.Pricing;

/// <summary>
/// One version of the rate card as configured (catalog.json, section <c>RateCards:{version}</c>): from
/// <see cref="EffectiveFrom"/> on, usage that occurred then is priced with these rates until the next version.
/// </summary>
public sealed class RateCardDefinition
{
    /// <summary>The section's key: versions are numbered 1, 2, 3... and take effect in that order.</summary>
    public int Version { get; set; }

    public DateTimeOffset EffectiveFrom { get; set; }

    public List<UsageRateDefinition> Rates { get; set; } = [];
}

/// <summary>
/// Credits per native unit of one feature (or model). <see cref="Feature"/> <c>*</c> is the rate for the unit of
/// any feature the card does not name; without one, usage of an unnamed feature is rejected.
/// </summary>
public sealed class UsageRateDefinition
{
    public string Feature { get; set; } = "";
    public string Unit { get; set; } = "";
    public decimal CreditsPerUnit { get; set; }
}
