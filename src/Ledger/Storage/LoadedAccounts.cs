using Credits.Ledger.Engine;

namespace Credits.Ledger.Storage;

/// <summary>What one transaction read under its account locks.</summary>
sealed class LoadedAccounts
{
    public List<AccountState> Accounts { get; } = [];
    public List<(string CustomerId, GrantState Grant)> Grants { get; } = [];
    public List<(string CustomerId, ReservationState Reservation)> Reservations { get; } = [];
    public List<PriorEntry> PriorEntries { get; } = [];
    public List<(string CustomerId, MemberState Member)> Members { get; } = [];
    /// <summary>The accounts with archived months, and the last entry id archived: their older keys are in the cold tier.</summary>
    public Dictionary<string, long> ArchivedThrough { get; } = new(StringComparer.Ordinal);
}
