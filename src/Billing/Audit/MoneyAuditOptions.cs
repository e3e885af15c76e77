using System.ComponentModel.DataAnnotations;

namespace Credits.Billing.Audit;

/// <summary>Section <c>Audit</c>: the money audit's schedule, window and repairs.</summary>
public sealed class MoneyAuditOptions : IValidatableObject
{
    public const string Section = "Audit";

    /// <summary>How often the scheduled audit runs (one instance at a time; the others skip). Zero turns the schedule off.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How far back a scheduled run looks: longer than a billing period, so every period is audited whole at least once after it closes.</summary>
    public TimeSpan Lookback { get; set; } = TimeSpan.FromDays(40);

    /// <summary>
    /// Anything younger than this is not judged yet: webhooks, saga steps and Stripe's meter aggregation are still
    /// catching up with it (a payment a second old has no grant yet, and that is not a difference).
    /// </summary>
    public TimeSpan SettleTime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Run the safe repairs (a missing grant for a verified payment, a missing meter report Stripe still deduplicates).</summary>
    public bool RepairAutomatically { get; set; } = true;

    /// <summary>
    /// How long after its first send a meter report may be resent. Stripe enforces a meter event identifier's
    /// uniqueness "within a rolling 24 hour period" (https://docs.stripe.com/api/v2/billing/meter-events/create):
    /// a resend after that could be counted a second time, so older gaps go to an operator instead.
    /// The default leaves an hour's margin for the resend itself.
    /// </summary>
    public TimeSpan ResendWithin { get; set; } = TimeSpan.FromHours(23);

    /// <summary>
    /// An allowance may be granted on a renewal's draft invoice (the period opens at the roll, before payment):
    /// a draft or open invoice younger than this is not yet a difference. Stripe finalizes a renewal draft about an
    /// hour after it is created and retries a failed payment for days (Smart Retries); past this grace an unpaid
    /// invoice behind an allowance is reported.
    /// </summary>
    public TimeSpan AllowanceInvoiceGrace { get; set; } = TimeSpan.FromDays(3);

    /// <summary>Stripe reads in flight at once (Stripe's live-mode limit is 100 reads a second per account).</summary>
    [Range(1, 32)]
    public int StripeConcurrency { get; set; } = 4;

    public IEnumerable<ValidationResult> Validate(ValidationContext context)
    {
        if (Interval < TimeSpan.Zero)
            yield return new("Audit:Interval must not be negative (0 turns the schedule off)", [nameof(Interval)]);
        if (Lookback <= TimeSpan.Zero || Lookback > TimeSpan.FromDays(400))
            yield return new("Audit:Lookback must be between 0 and 400 days", [nameof(Lookback)]);
        if (SettleTime < TimeSpan.Zero)
            yield return new("Audit:SettleTime must not be negative", [nameof(SettleTime)]);
        if (ResendWithin < TimeSpan.Zero || ResendWithin > TimeSpan.FromHours(24))
            yield return new("Audit:ResendWithin must be between 0 and 24 hours (Stripe's identifier dedup window)", [nameof(ResendWithin)]);
        if (AllowanceInvoiceGrace < TimeSpan.Zero)
            yield return new("Audit:AllowanceInvoiceGrace must not be negative", [nameof(AllowanceInvoiceGrace)]);
    }
}
