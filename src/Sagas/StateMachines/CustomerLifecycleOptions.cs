namespace Credits.Sagas.StateMachines;

/// <summary>Configuration section <c>Sagas:Customer</c>.</summary>
public sealed class CustomerLifecycleOptions
{
    /// <summary>
    /// How long a renewal may stay unpaid (payment failed, subscription past_due or unpaid) with the plan's terms
    /// intact. After it, overage stops (usage beyond the available credits is written off, as on the free plan) until
    /// the renewal is paid. Zero by default (issue 14): overage stops the moment the renewal fails, since every overage
    /// credit used while the renewal is unpaid is billed on top of money Stripe could not collect. A positive value
    /// gives the customer that long while Stripe's Smart Retries try the card again.
    /// </summary>
    public TimeSpan RenewalGrace { get; set; } = TimeSpan.Zero;

    /// <summary>
    /// How long before the period end a cancellation stops overage and reports the last of it (like a downgrade's
    /// Sagas:PlanChange:DowngradeLeadTime), so that Stripe's final invoice, drawn at the period end, bills all of it.
    /// Until then the customer may resume.
    /// </summary>
    public TimeSpan CancellationLeadTime { get; set; } = TimeSpan.FromMinutes(10);
}
