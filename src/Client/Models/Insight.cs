namespace Credits.Client;

// GET /v1/customers/{id}/usage, /members, PUT /members/{memberId}, GET /v1/rate-cards
// (src/Gateway/Balances/UsageInsightApi.cs, MembersApi.cs, src/Gateway/Usage/RateCardApi.cs).

/// <summary>Usage from <see cref="From"/> (inclusive) to <see cref="To"/> (exclusive), by feature or model and by member.</summary>
public sealed record UsageBreakdown(string CustomerId, DateTimeOffset From, DateTimeOffset To, IReadOnlyList<FeatureUsage> Features,
    IReadOnlyList<MemberUsage> Members);

/// <summary>A feature's whole credits taken, its events, and the native quantities per unit.</summary>
public sealed record FeatureUsage(string? Feature, long Credits, long Events, IReadOnlyList<UnitQuantity> Quantities);

public sealed record UnitQuantity(string Unit, decimal Quantity);

public sealed record MemberUsage(string MemberId, long Credits, long Events);

/// <summary>A member of a shared balance: its limit per period (null: none), used and left this period.</summary>
public sealed record Member(string MemberId, long? LimitPerPeriod, long UsedThisPeriod, long? Remaining);

/// <summary>A published rate card version; feature "*" is a unit's rate for features it does not name.</summary>
public sealed record RateCard(int Version, DateTimeOffset EffectiveFrom, DateTimeOffset PublishedAt, IReadOnlyList<Rate> Rates);

public sealed record Rate(string Feature, string Unit, decimal CreditsPerUnit);
