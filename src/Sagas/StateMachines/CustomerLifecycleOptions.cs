namespace Credits.Sagas.StateMachines;

/// <summary>Configuration section <c>Sagas:Customer</c>.</summary>
public sealed class CustomerLifecycleOptions
{
    /// <summary>
    /// How long a renewal may stay unpaid (payment failed, subscription past_due or unpaid) with the plan's
    /// terms intact. After it, overage stops (usage beyond the available credits is written off, as on the
    /// free plan) until the renewal is paid. Three days: Stripe's Smart Retries try a declined renewal
    /// several times over the following days.
    /// </summary>
    public TimeSpan RenewalGrace { get; set; } = TimeSpan.FromDays(3);
}
