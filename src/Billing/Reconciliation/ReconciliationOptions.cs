using System.ComponentModel.DataAnnotations;

namespace Credits.Billing.Reconciliation;

/// <summary>Section <c>Reconciliation</c>.</summary>
public sealed class ReconciliationOptions : IValidatableObject
{
    public const string Section = "Reconciliation";

    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Stripe's meter summaries are eventually consistent: a report accepted less than this long ago
    /// may not show yet, so it cannot be called missing.
    /// </summary>
    public TimeSpan SettleTime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Resend accepted reports Stripe's summary does not show (same identifiers: never counted twice).</summary>
    public bool ResendMissingReports { get; set; } = true;

    public IEnumerable<ValidationResult> Validate(ValidationContext context)
    {
        if (Interval < TimeSpan.FromSeconds(1))
            yield return new("Reconciliation:Interval must be at least 1 second", [nameof(Interval)]);
        if (SettleTime < TimeSpan.Zero)
            yield return new("Reconciliation:SettleTime must not be negative", [nameof(SettleTime)]);
    }
}
