namespace Credits.Contracts.Billing;

/// <summary>
/// The money audit stored a new difference between Credits' books and Stripe's (published once per difference,
/// however many runs see it again). <see cref="Status"/> is <c>repaired</c> when a safe repair already put it right,
/// <c>repair_failed</c> or <c>open</c> when an operator must act. Kinds and evidence: docs/audit.md.
/// </summary>
public record AuditDifferenceFound
{
    public Guid DifferenceId { get; init; }
    public Guid RunId { get; init; }
    public string Kind { get; init; } = "";
    public string Subject { get; init; } = "";
    public string CustomerId { get; init; } = "";
    public string? StripeCustomerId { get; init; }
    public string Expected { get; init; } = "";
    public string Actual { get; init; } = "";
    public string Status { get; init; } = "";
    public string? Repair { get; init; }
    public DateTimeOffset OccurredAt { get; init; }
    public DateTimeOffset FoundAt { get; init; }
}
