namespace Credits.Contracts.PlanChanges;

/// <summary>Step command before a period-end downgrade: flush the customer's unreported overage of the period to the Stripe meter while the metered item still exists. Answer: <see cref="FinalOverageReported"/> or a fault.</summary>
public record ReportFinalOverage
{
    public Guid OperationId { get; init; }
    public string CustomerId { get; init; } = "";
    public string StripeCustomerId { get; init; } = "";
    public DateTimeOffset PeriodStart { get; init; }
    public DateTimeOffset PeriodEnd { get; init; }
    public string IdempotencyKey { get; init; } = "";
    /// <inheritdoc cref="GrantPlanChangeCredits.Requester"/>
    public string Requester { get; init; } = "";
}
