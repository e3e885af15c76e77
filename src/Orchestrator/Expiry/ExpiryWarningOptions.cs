using System.ComponentModel.DataAnnotations;

namespace Credits.Orchestrator.Expiry;

/// <summary>Section "Ledger:ExpiryWarning" of the Orchestrator: when to tell apps that credits are about to lapse (CreditsExpiring).</summary>
public sealed class ExpiryWarningOptions
{
    public const string Section = "Ledger:ExpiryWarning";

    /// <summary>How long before a grant's expiry its warning is sent.</summary>
    [Range(typeof(TimeSpan), "01:00:00", "90.00:00:00", ErrorMessage = "Ledger:ExpiryWarning:WarnBefore must be between 1 hour and 90 days.")]
    public TimeSpan WarnBefore { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How often grants are looked at. A warning may be sent up to this much later than WarnBefore ahead.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00", ErrorMessage = "Ledger:ExpiryWarning:Interval must be between 1 second and 1 day.")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Grants warned about per transaction; a run repeats until none are left.</summary>
    [Range(1, 10_000, ErrorMessage = "Ledger:ExpiryWarning:BatchSize must be between 1 and 10000.")]
    public int BatchSize { get; set; } = 200;
}
