namespace Credits.Ledger.Archive;

/// <summary>What one step of the archiver did for an account.</summary>
public enum ArchiveOutcome
{
    /// <summary>A chunk was written and checked; more of the account may be due.</summary>
    Archived,
    /// <summary>Nothing of the account is old enough yet; its cursor says when to look again.</summary>
    NothingDue,
    /// <summary>Another instance holds the account's cursor, or has just moved its next look into the future.</summary>
    Busy,
}
