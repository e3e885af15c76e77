namespace Credits.Ledger.Archive;

/// <summary>
/// How far a customer's entries are archived, and when the archiver next needs to look: a customer's entries become
/// archivable a month at a time, so an account is read once a month rather than at every run.
/// </summary>
public sealed class ArchiveCursor
{
    public string CustomerId { get; set; } = "";
    /// <summary>The last entry id in the customer's archived chunks; 0 before the first.</summary>
    public long ArchivedThrough { get; set; }
    public DateTimeOffset NextCheckAt { get; set; }
}
