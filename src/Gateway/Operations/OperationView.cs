namespace Credits.Gateway.Operations;

/// <summary>
/// A plan change or top-up as GET /v1/operations/{id} shows it: from its saga's row when the saga has started,
/// else from the accepted request. <see cref="Status"/> is one of <see cref="OperationStatuses"/>.
/// </summary>
public sealed record OperationView
{
    public required Guid OperationId { get; init; }
    /// <summary>plan-change, top-up or card-setup.</summary>
    public required string Kind { get; init; }
    public required string CustomerId { get; init; }
    public required string Status { get; init; }
    /// <summary>The saga's own state name; null while the operation is only accepted.</summary>
    public string? SagaState { get; init; }
    /// <summary>When the Gateway accepted it; null for operations the system started itself (auto top-ups).</summary>
    public DateTimeOffset? RequestedAt { get; init; }
    public DateTimeOffset? StartedAt { get; init; }
    public DateTimeOffset? UpdatedAt { get; init; }
    /// <summary>Why it failed, was rejected or cancelled, for people.</summary>
    public string? Error { get; init; }
    public PlanChangeDetails? PlanChange { get; init; }
    public TopUpDetails? TopUp { get; init; }
    public CardSetupDetails? CardSetup { get; init; }
}

public sealed record CardSetupDetails
{
    /// <summary>Stripe's setup-mode Checkout page, while it waits for the card.</summary>
    public string? CheckoutUrl { get; init; }
    public string? CheckoutSessionId { get; init; }
    /// <summary>The card that became the default, once saved.</summary>
    public string? PaymentMethodId { get; init; }
}

public sealed record PlanChangeDetails
{
    /// <summary>upgrade (now, prorated) or downgrade (at the period end); null until the saga has started.</summary>
    public string? Direction { get; init; }
    public string? FromPlanId { get; init; }
    public required string ToPlanId { get; init; }
    public IReadOnlyList<OperationStep> Steps { get; init; } = [];
    public long CreditsGranted { get; init; }
    public DateTimeOffset? PeriodStart { get; init; }
    public DateTimeOffset? PeriodEnd { get; init; }
    /// <summary>An upgrade without a card on file: Stripe's setup-mode Checkout page where the customer gives one (sagaState AwaitingCard).</summary>
    public string? CardCheckoutUrl { get; init; }
}

/// <summary>One line of the plan change saga's step log.</summary>
public sealed record OperationStep(DateTimeOffset? At, string Step, string Outcome);

public sealed record TopUpDetails
{
    /// <summary>The pack asked for; null for an auto top-up, which buys by amount.</summary>
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
