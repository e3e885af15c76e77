namespace Credits.Gateway.Console;

/// <summary>
/// Which error queues a redrive may empty. Usage is idempotent by event id, and a stalled saga step whose fault its saga
/// ignores (the saga still waits for it: the allowance of a period, a purchase's credits, a refund's claw-back) is
/// idempotent by its key: moving those back is the retry. The steps below are different: their saga heard the fault and
/// moved on (ended, compensated, or read Stripe's state and decided), so the command is no longer wanted, and running it
/// now would act behind the saga's back (a second subscription for a failed registration, a charge for a cancelled
/// purchase, a subscription update after the change was restored). They stay in their error queue as evidence; a
/// failed saga that can safely go on is retried through POST /console/api/sagas/{id}/retry.
/// </summary>
public static class RedrivePolicy
{
    static readonly Dictionary<string, string> SagaMovedOn = new(StringComparer.Ordinal)
    {
        ["create-stripe-customer_error"] = "the registration failed on this fault",
        ["create-subscription_error"] = "the registration failed on this fault",
        ["update-subscription-items_error"] = "the plan change read Stripe's state after this fault and decided on it",
        ["restore-subscription-items_error"] = "the plan change read Stripe's state after this fault and decided on it",
        ["read-subscription-state_error"] = "the plan change ended CompensationFailed on this fault",
        ["report-final-overage_error"] = "the downgrade was undone on this fault",
        ["grant-plan-change-credits_error"] =
            "the plan change ended on this fault (an upgrade GrantFailed, a downgrade Failed or CompensationFailed); retry a GrantFailed upgrade with POST /console/api/sagas/{id}/retry",
        ["create-checkout-session_error"] = "the purchase was cancelled on this fault",
        ["charge-saved-card_error"] = "the purchase was cancelled on this fault",
    };

    /// <summary>Null when <paramref name="queue"/> may be redriven; else why not.</summary>
    public static string? WhyNot(string queue) =>
        SagaMovedOn.TryGetValue(queue, out var why)
            ? $"{why}, so its command is no longer wanted and running it now would act behind the saga's back"
            : null;
}
