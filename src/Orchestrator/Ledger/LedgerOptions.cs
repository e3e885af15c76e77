using System.ComponentModel.DataAnnotations;

namespace Credits.Orchestrator.Ledger;

/// <summary>Section "Ledger" of the Orchestrator.</summary>
public sealed class LedgerOptions
{
    public const string Section = "Ledger";

    /// <summary>How often due allowances and forgotten reservations are lapsed.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00", ErrorMessage = "Ledger:ExpirySweepInterval must be between 1 second and 1 hour.")]
    public TimeSpan ExpirySweepInterval { get; set; } = TimeSpan.FromSeconds(30);
}
