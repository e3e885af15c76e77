using System.ComponentModel.DataAnnotations;

namespace Credits.Orchestrator.Ledger;

/// <summary>Section "Ledger" of the Orchestrator.</summary>
public sealed class LedgerOptions
{
    public const string Section = "Ledger";

    /// <summary>How often due allowances and forgotten reservations are lapsed.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00", ErrorMessage = "Ledger:ExpirySweepInterval must be between 1 second and 1 hour.")]
    public TimeSpan ExpirySweepInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the archiver looks for months old enough to archive (<see cref="LedgerArchiveJob"/>); zero turns it off.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00", ErrorMessage = "Ledger:ArchiveInterval must be between 0 (off) and 1 day.")]
    public TimeSpan ArchiveInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Whole months an entry's month must lie in the past before it is archived: 3 archives March's entries from the
    /// first of July. At least 2, so that late usage of the previous period and its overage invoice are long settled.
    /// </summary>
    [Range(2, 120, ErrorMessage = "Ledger:ArchiveAfterMonths must be between 2 and 120.")]
    public int ArchiveAfterMonths { get; set; } = 3;

    /// <summary>
    /// Whether an account's archived entries then leave <c>ledger_entries</c> (<see cref="Credits.Ledger.Archive.LedgerArchiver.RemoveArchivedAsync"/>):
    /// what keeps the table from growing for ever. Off until turned on: the archive has to have been read back and
    /// verified in a deployment for a while before the entries it copies go (docs/ledger-archive.md, "Removal").
    /// </summary>
    public bool RemoveArchivedEntries { get; set; }

    /// <summary>How often every archived chunk is read back and compared again; a difference is reported by the money audit.</summary>
    [Range(typeof(TimeSpan), "1.00:00:00", "366.00:00:00", ErrorMessage = "Ledger:ArchiveVerifyEvery must be between 1 and 366 days.")]
    public TimeSpan ArchiveVerifyEvery { get; set; } = TimeSpan.FromDays(30);
}
