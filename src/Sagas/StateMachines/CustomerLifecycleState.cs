using MassTransit;

namespace Credits.Sagas.StateMachines;

/// <summary>
/// One customer for life. Correlation id = <see cref="SagaKeys.ForCustomer"/>(app customer id), a name-based
/// UUID, so every message naming the customer finds this instance without a lookup.
/// </summary>
public class CustomerLifecycleState : SagaStateMachineInstance
{
    public Guid CorrelationId { get; set; }
    public string CurrentState { get; set; } = "";
    public string CustomerId { get; set; } = "";
    public string? Email { get; set; }
    public string? Name { get; set; }
    public string PlanId { get; set; } = "";
    /// <summary>A paid plan asked for at registration: the customer starts on the free plan and this upgrade follows (null once begun or when none).</summary>
    public string? RequestedPlanId { get; set; }
    public string? StripeCustomerId { get; set; }
    public string? SubscriptionId { get; set; }
    /// <summary>Stripe's subscription status as last reported (active, incomplete, past_due...).</summary>
    public string? SubscriptionStatus { get; set; }
    /// <summary>The subscription items (JSON list; a jsonb column, so never empty text).</summary>
    public string Items { get; set; } = "[]";
    public DateTimeOffset? PeriodStart { get; set; }
    public DateTimeOffset? PeriodEnd { get; set; }
    /// <summary>The start of the latest period whose allowance was granted: a renewal is granted once.</summary>
    public DateTimeOffset? AllowancePeriodStart { get; set; }
    /// <summary>Since when a renewal has been unpaid (payment failed, past_due, unpaid); null when nothing is overdue.</summary>
    public DateTimeOffset? RenewalUnpaidSince { get; set; }
    public Guid? RenewalGraceTokenId { get; set; }
    /// <summary>Overage stopped in the ledger because a renewal stayed unpaid past its grace.</summary>
    public bool OverageSuspended { get; set; }
    /// <summary>The plan change in flight; at most one per customer.</summary>
    public Guid? PlanChangeOperationId { get; set; }
    public Guid? LastPlanChangeOperationId { get; set; }
    /// <summary>The cancellation in flight or scheduled; it shares the one slot with plan changes (at most one of the two).</summary>
    public Guid? CancellationOperationId { get; set; }
    public Guid? LastCancellationOperationId { get; set; }
    /// <summary>When a scheduled cancellation ends the subscription (Stripe's cancel_at); null when none is scheduled.</summary>
    public DateTimeOffset? CancelAt { get; set; }
    /// <summary>When the subscription ended (the customer is Cancelled).</summary>
    public DateTimeOffset? CancelledAt { get; set; }
    /// <summary>The unpaid renewal invoice (SubscriptionPastDue was published for it); null when nothing is past due.</summary>
    public string? PastDueInvoiceId { get; set; }
    public long PastDueAmount { get; set; }
    public string? PastDueCurrency { get; set; }
    public string? PastDueInvoiceUrl { get; set; }
    public string? LastError { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
