namespace Credits.Billing.Audit;

/// <summary>
/// What a check reports. <see cref="Repair"/>, when set, is a safe repair: idempotent (keyed so that running it twice
/// changes nothing the second time) and only offered where the check verified the money side in Stripe. The audit runs
/// it once, when the difference is first stored, and records its outcome.
/// </summary>
public sealed record AuditFinding
{
    public required string Kind { get; init; }
    public required string Subject { get; init; }
    public required string CustomerId { get; init; }
    public string? StripeCustomerId { get; init; }
    public required string Expected { get; init; }
    public required string Actual { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public AuditEvidence Evidence { get; init; } = new();
    /// <summary>Returns what it did ("granted 500 credits"); throws when it could not.</summary>
    public Func<CancellationToken, Task<string>>? Repair { get; init; }

    public string Fingerprint => $"{Kind}:{Subject}";
}
