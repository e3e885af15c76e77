using MassTransit;

namespace Credits.Sagas.StateMachines;

/// <summary>
/// One cancellation of a customer's subscription (correlation id = the operation id). Kept after it ends as the
/// operation's record (steps, last error).
/// </summary>
public class CancellationState : SagaStateMachineInstance
{
    public Guid CorrelationId { get; set; }
    public string CurrentState { get; set; } = "";
    public string CustomerId { get; set; } = "";
    public string StripeCustomerId { get; set; } = "";
    public string SubscriptionId { get; set; } = "";
    public string PlanId { get; set; } = "";
    public string FreePlanId { get; set; } = "";
    /// <summary><see cref="Contracts.Customers.CancellationModes"/>.</summary>
    public string Mode { get; set; } = "";
    public string? RequestedBy { get; set; }
    /// <summary>Why it ends (cancellation_requested, payment_failed...).</summary>
    public string? Reason { get; set; }
    public DateTimeOffset PeriodStart { get; set; }
    public DateTimeOffset PeriodEnd { get; set; }
    /// <summary>Stripe has ended the subscription (customer.subscription.deleted, or the DELETE's answer).</summary>
    public bool StripeEnded { get; set; }
    public long AllowanceLapsed { get; set; }
    public Guid? PeriodEndTokenId { get; set; }
    public string Steps { get; set; } = "";
    public string? LastError { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
