namespace Credits.Sagas.StateMachines;

/// <summary>Configuration section <c>Sagas:PlanChange</c>.</summary>
public sealed class PlanChangeOptions
{
    /// <summary>How long an upgrade waits for its proration invoice to be paid before it restores the previous plan.</summary>
    public TimeSpan PaymentConfirmationTimeout { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// How long an upgrade without a card waits for the customer to give one on the setup-mode Checkout page before it
    /// fails (nothing changed). The page itself expires then too (Stripe keeps it at least 30 minutes; the saga expires it).
    /// </summary>
    public TimeSpan CardCollectionTimeout { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// How long before the period end a downgrade is carried out, so that Stripe's renewal (at the period
    /// end) already bills the new plan. The minutes in between are prorated by Stripe (create_prorations).
    /// </summary>
    public TimeSpan DowngradeLeadTime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// How long a plan change may stay in flight before it reads Stripe's state and ends (Completed, Failed or
    /// CompensationFailed), counted from its start (an upgrade) or from the time its downgrade is carried out. Longer
    /// than the step redelivery schedule (Sagas:StepRedelivery), so a step being retried later is not cut short.
    /// Every end publishes PlanChanged or PlanChangeFailed, which frees the customer's plan-change slot.
    /// </summary>
    public TimeSpan Deadline { get; set; } = TimeSpan.FromHours(2);
}
