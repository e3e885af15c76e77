namespace Credits.Persistence.Promotions;

/// <summary>
/// A promotion code operators create on the console (table promotion_codes): redeemed once per customer for
/// <see cref="Credits"/> promotion credits, within its window and up to its overall limit. Never deleted, so a
/// redemption always finds the code it came from; <see cref="ValidUntil"/> ends a campaign. docs/promotions.md.
/// </summary>
public sealed class PromotionCode
{
    /// <summary>The code in upper case (<see cref="PromotionCodeText"/>): "spring-25" and "SPRING-25" are one code.</summary>
    public string Code { get; set; } = "";
    public long Credits { get; set; }
    /// <summary>The granted credits lapse this many days after the redemption; null = no relative expiry.</summary>
    public int? GrantExpiresAfterDays { get; set; }
    /// <summary>The granted credits lapse at this time at the latest; null = no fixed expiry.</summary>
    public DateTimeOffset? GrantExpiresAt { get; set; }
    /// <summary>Redeemable from; null = from its creation.</summary>
    public DateTimeOffset? ValidFrom { get; set; }
    /// <summary>Redeemable until (exclusive); null = for ever.</summary>
    public DateTimeOffset? ValidUntil { get; set; }
    /// <summary>Redemptions over all customers; null = unlimited.</summary>
    public int? MaxRedemptions { get; set; }
    /// <summary>Redemptions so far, counted under the code row's lock so the limit holds under concurrency.</summary>
    public int Redemptions { get; set; }
    /// <summary>Only customers on this plan may redeem it; null = any plan.</summary>
    public string? PlanId { get; set; }
    public string Description { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    /// <summary>The operator and the key that created it ("alice via console-key").</summary>
    public string CreatedBy { get; set; } = "";

    /// <summary>When credits redeemed at <paramref name="redeemedAt"/> lapse: the earlier of the two expiries, or never.</summary>
    public DateTimeOffset? GrantExpiryFor(DateTimeOffset redeemedAt)
    {
        DateTimeOffset? relative = GrantExpiresAfterDays is { } days ? redeemedAt.AddDays(days) : null;
        return (relative, GrantExpiresAt) switch
        {
            ({ } r, { } f) => r < f ? r : f,
            ({ } r, null) => r,
            (null, var f) => f,
        };
    }
}
