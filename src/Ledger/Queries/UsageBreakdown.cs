namespace Credits.Ledger.Queries;

/// <summary>A customer's usage from <see cref="From"/> (inclusive) to <see cref="To"/> (exclusive), by feature or model.</summary>
public sealed record UsageBreakdown(string CustomerId, DateTimeOffset From, DateTimeOffset To, IReadOnlyList<FeatureUsage> Features,
    IReadOnlyList<MemberUsage> Members);

/// <summary>A member's usage on a shared balance: the whole credits its events took, and how many events.</summary>
public sealed record MemberUsage(string MemberId, long Credits, long Events);

/// <summary>
/// One feature's usage: the whole credits it took (debited, overage and written off), its usage events, and for usage
/// reported in native units the quantity per unit. <see cref="Feature"/> is null for usage reported without one.
/// </summary>
public sealed record FeatureUsage(string? Feature, long Credits, long Events, IReadOnlyList<UnitQuantity> Quantities);

public sealed record UnitQuantity(string Unit, decimal Quantity);
