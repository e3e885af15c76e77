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

    /// <summary>
    /// How long after its first send a report may be resent. Stripe enforces a meter event identifier's
    /// uniqueness "within a rolling 24 hour period" (https://docs.stripe.com/api/v2/billing/meter-events/create):
    /// a resend after that could be counted a second time, so older gaps go to an operator instead.
    /// The default leaves an hour's margin for the resend itself.
    /// </summary>
    public TimeSpan ResendWithin { get; set; } = TimeSpan.FromHours(23);

    public IEnumerable<ValidationResult> Validate(ValidationContext context)
    {
        if (Interval < TimeSpan.FromSeconds(1))
            yield return new("Reconciliation:Interval must be at least 1 second", [nameof(Interval)]);
        if (SettleTime < TimeSpan.Zero)
            yield return new("Reconciliation:SettleTime must not be negative", [nameof(SettleTime)]);
        if (ResendWithin < TimeSpan.Zero || ResendWithin > TimeSpan.FromHours(24))
            yield return new("Reconciliation:ResendWithin must be between 0 and 24 hours (Stripe's identifier dedup window)", [nameof(ResendWithin)]);
    }
}
