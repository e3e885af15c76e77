namespace Credits.Ledger.Model;

/// <summary>
/// A member of a shared balance: one of the app's users spending from its organization's account
/// (<see cref="CustomerId"/>). Plans, top-ups and caps belong to the account; a member has its usage attributed to it
/// and, optionally, a limit on the credits it may spend per billing period. Created by its first usage or by setting
/// its limit.
/// </summary>
public class LedgerMember
{
    /// <summary>What usage entries refer to (<see cref="LedgerEntry.MemberRef"/>), four bytes instead of the id's text.</summary>
    public int Id { get; set; }
    public string CustomerId { get; set; } = "";
    /// <summary>The app's own user id.</summary>
    public string MemberId { get; set; } = "";
    /// <summary>Credits the member may spend per billing period (debited and overage); null: no limit of its own.</summary>
    public long? PeriodLimit { get; set; }
    /// <summary>The account period <see cref="UsedThisPeriod"/> belongs to: a new period starts it from zero.</summary>
    public DateTimeOffset? PeriodStart { get; set; }
    public long UsedThisPeriod { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
