namespace Credits.Billing.Catalog;

/// <summary>
/// A top-up pack, bound from section "CreditPacks" (one child per pack id):
/// <code>"CreditPacks": { "small": { "Credits": 500, "Amount": 500, "Currency": "usd" } }</code>
/// </summary>
public sealed class CreditPack
{
    public string Id { get; set; } = "";
    public string DisplayName { get; set; } = "";
    public long Credits { get; set; }
    /// <summary>Price in minor units.</summary>
    public long Amount { get; set; }
    public string Currency { get; set; } = "usd";
    public int PriceVersion { get; set; } = 1;

    public string LookupKey => LookupKeys.Pack(Id, PriceVersion);
}
