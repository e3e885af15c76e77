namespace Credits.Client;

// POST /v1/customers/{id}/plan, GET /v1/operations/{id} (src/Gateway/Operations/OperationView.cs, OperationStatuses.cs).

/// <summary>The values of <see cref="Operation.Status"/>; the finished ones are final.</summary>
public static class OperationStatuses
{
    public const string Accepted = "accepted";
    public const string Running = "running";
    public const string Completed = "completed";
    public const string Failed = "failed";
    public const string Rejected = "rejected";
    public const string Cancelled = "cancelled";
    public const string Refunded = "refunded";
    public const string Disputed = "disputed";
    public const string ChargedBack = "charged-back";
    public const string Expired = "expired";

    public static bool IsFinished(string status) => status is Completed or Failed or Rejected or Cancelled or Refunded or ChargedBack or Expired;
}

/// <summary>A plan change accepted; <see cref="Repeated"/>: the same Idempotency-Key was accepted before (nothing published).</summary>
public sealed record OperationAccepted(Guid OperationId, string Status, string? SagaState, bool Repeated);

/// <summary>A plan change, top-up or card setup: accepted, running or finished (<see cref="OperationStatuses"/>).</summary>
public sealed record Operation
{
    public required Guid OperationId { get; init; }
    /// <summary>plan-change, top-up or card-setup.</summary>
    public required string Kind { get; init; }
    public required string CustomerId { get; init; }
    public required string Status { get; init; }
    public string? SagaState { get; init; }
    public DateTimeOffset? RequestedAt { get; init; }
    public DateTimeOffset? StartedAt { get; init; }
    public DateTimeOffset? UpdatedAt { get; init; }
    public string? Error { get; init; }
    public PlanChangeDetails? PlanChange { get; init; }
    public TopUpDetails? TopUp { get; init; }
    public CardSetupDetails? CardSetup { get; init; }
}

public sealed record PlanChangeDetails
{
    /// <summary>upgrade or downgrade; null until the saga has started.</summary>
    public string? Direction { get; init; }
    public string? FromPlanId { get; init; }
    public required string ToPlanId { get; init; }
    public IReadOnlyList<OperationStep> Steps { get; init; } = [];
    public long CreditsGranted { get; init; }
    public DateTimeOffset? PeriodStart { get; init; }
    public DateTimeOffset? PeriodEnd { get; init; }
    /// <summary>An upgrade without a card on file: where the customer gives one.</summary>
    public string? CardCheckoutUrl { get; init; }
}

public sealed record OperationStep(DateTimeOffset? At, string Step, string Outcome);

public sealed record TopUpDetails
{
    public string? PackId { get; init; }
    public long Credits { get; init; }
    /// <summary>Minor units.</summary>
    public long Amount { get; init; }
    public required string Currency { get; init; }
    public bool UseSavedCard { get; init; }
    public string? CheckoutUrl { get; init; }
    public string? CheckoutSessionId { get; init; }
    public string? PaymentIntentId { get; init; }
    public long AmountRefunded { get; init; }
}

public sealed record CardSetupDetails
{
    public string? CheckoutUrl { get; init; }
    public string? CheckoutSessionId { get; init; }
    public string? PaymentMethodId { get; init; }
}
