namespace Credits.Ledger.Queries;

/// <summary>
/// A member of a shared balance as the API shows it: its limit per period, and what it spent (debited and overage) in
/// the account's current period.
/// </summary>
public sealed record MemberView(string MemberId, long? LimitPerPeriod, long UsedThisPeriod, long? Remaining);
