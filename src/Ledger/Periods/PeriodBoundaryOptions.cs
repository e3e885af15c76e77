namespace Credits.Ledger.Periods;

/// <summary>
/// How the ledger treats the boundary between two billing periods (configuration section "Ledger").
/// </summary>
public sealed class PeriodBoundaryOptions
{
    public const string Section = "Ledger";

    /// <summary>
    /// How long after a period ends usage that occurred in it is still charged to it: it burns that
    /// period's allowance (which lapses only when this grace ends) and its overage belongs to that period.
    /// One hour, like Stripe's default invoice finalization grace period, during which usage of the
    /// previous period may still be reported to the meter
    /// (https://docs.stripe.com/billing/subscriptions/usage-based/configure-grace-period).
    /// </summary>
    public TimeSpan LateUsageGrace { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// How long an ended period's allowance waits for the next period to be known before it lapses
    /// without a rollover (a subscription that was cancelled, or a renewal that never arrived). Three
    /// days, as long as Stripe retries a webhook delivery.
    /// </summary>
    public TimeSpan RenewalWait { get; set; } = TimeSpan.FromDays(3);
}
