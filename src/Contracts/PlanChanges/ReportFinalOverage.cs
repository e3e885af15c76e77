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
    /// <summary>
    /// The kind of saga that asked (<c>plan-change</c> or <c>cancellation</c>), echoed in the answer: both sagas consume
    /// the answer's type, and only the one that asked can be waiting for it. "" from a sender before this was said.
    /// </summary>
    public string Requester { get; init; } = "";
}
