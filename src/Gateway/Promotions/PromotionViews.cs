namespace Credits.Gateway.Promotions;

/// <summary>POST /v1/customers/{id}/promotions/redeem and /portal/api/promotions/redeem.</summary>
public record RedeemPromotionRequest(string? Code);

/// <summary>
/// A redemption as the API and the portal show it. <see cref="Repeated"/>: the customer had redeemed this code before,
/// and this is that first redemption (nothing granted now). <see cref="Available"/> is the balance after it.
/// </summary>
public record PromotionRedemptionView(string Code, string CustomerId, long Credits, Guid GrantId, DateTimeOffset? ExpiresAt,
    DateTimeOffset RedeemedAt, string Channel, long Available, bool Repeated);

/// <summary>A code the customer redeemed, as the API and the portal list them.</summary>
public record RedeemedPromotion(string Code, long Credits, DateTimeOffset? ExpiresAt, DateTimeOffset RedeemedAt, string Channel);

/// <summary>POST /console/api/promotions: a new code. Expiries of the granted credits: after days, at a date, or both (the earlier wins).</summary>
public record CreatePromotionRequest(string? Code, long Credits, int? GrantExpiresAfterDays, DateTimeOffset? GrantExpiresAt,
    DateTimeOffset? ValidFrom, DateTimeOffset? ValidUntil, int? MaxRedemptions, string? PlanId, string? Description, string? Operator,
    string? Reason);

/// <summary>A code as the console shows it, with how often it was redeemed.</summary>
public record PromotionCodeView(string Code, long Credits, int? GrantExpiresAfterDays, DateTimeOffset? GrantExpiresAt,
    DateTimeOffset? ValidFrom, DateTimeOffset? ValidUntil, int? MaxRedemptions, int Redemptions, string? PlanId, string Description,
    DateTimeOffset CreatedAt, string CreatedBy);
