using MassTransit;

namespace Credits.Sagas.StateMachines;

/// <summary>
/// One plan change operation (correlation id = the operation id). Kept after it ends so that
/// GET /v1/operations/{id} can show its state, steps and last error.
/// </summary>
public class PlanChangeState : SagaStateMachineInstance
{
    public Guid CorrelationId { get; set; }
    public string CurrentState { get; set; } = "";
    public string CustomerId { get; set; } = "";
    public string StripeCustomerId { get; set; } = "";
    public string SubscriptionId { get; set; } = "";
    /// <summary>upgrade (now, prorated) or downgrade (at the period end).</summary>
    public string Kind { get; set; } = "";
    public string FromPlanId { get; set; } = "";
    public string ToPlanId { get; set; } = "";
    /// <summary>The plans' terms as they were when the change began (JSON), so catalog edits mid-flight change nothing.</summary>
    public string FromPlan { get; set; } = "{}";
    public string ToPlan { get; set; } = "{}";
    /// <summary>The items before the change and as Stripe last reported them (JSON lists).</summary>
    public string PreviousItems { get; set; } = "[]";
    public string CurrentItems { get; set; } = "[]";
    public DateTimeOffset PeriodStart { get; set; }
    public DateTimeOffset PeriodEnd { get; set; }
    public string? ProrationInvoiceId { get; set; }
    public long CreditsGranted { get; set; }
    /// <summary>The allowance of the upgrade's grant that faulted (GrantFailed): an operator's retry sends exactly this again.</summary>
    public long? FailedGrantAllowance { get; set; }
    /// <summary>An upgrade without a card: the setup-mode Checkout session where the customer gives it, and its page.</summary>
    public string? CardCheckoutSessionId { get; set; }
    public string? CardCheckoutUrl { get; set; }
    public Guid? CardTimeoutTokenId { get; set; }
    public Guid? PaymentTimeoutTokenId { get; set; }
    public Guid? PeriodEndTokenId { get; set; }
    public Guid? DeadlineTokenId { get; set; }
    /// <summary>One line per step: "timestamp step outcome".</summary>
    public string Steps { get; set; } = "";
    public string? LastError { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
