using System.Globalization;

namespace Credits.Ledger.Pricing;

/// <summary>
/// Usage reported in a native unit and the rate it is priced at: <see cref="Price"/> is exact (at most 18 decimal
/// places), and the ledger turns it into whole credits with the account's carried remainder (<see cref="UsagePricing"/>).
/// </summary>
public sealed record PricedUsage(decimal Quantity, string Unit, UsageRate Rate)
{
    public decimal Price => Quantity * Rate.CreditsPerUnit;

    /// <summary>The quantity as the fingerprint writes it: 1.5 and 1.50 are the same usage.</summary>
    public string QuantityText => Quantity.ToString("G29", CultureInfo.InvariantCulture);
}
