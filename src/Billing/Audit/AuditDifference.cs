namespace Credits.Billing.Audit;

/// <summary>
/// One difference between Credits' books and Stripe's, stored once however many runs find it: its
/// <see cref="Fingerprint"/> (check kind + subject, e.g. <c>purchase_without_grant:pi_123</c>) is unique. Later runs
/// only move <see cref="LastSeenAt"/>; a run that covers it and no longer finds it marks it cleared.
/// </summary>
public class AuditDifference
{
    public Guid Id { get; set; }
    /// <summary><see cref="Kind"/> + ":" + <see cref="Subject"/>: what makes two findings the same difference.</summary>
    public string Fingerprint { get; set; } = "";
    /// <summary>What disagrees (<see cref="AuditKinds"/>).</summary>
    public string Kind { get; set; } = "";
    /// <summary>The object the difference is about: a PaymentIntent, an invoice, a grant key, customer + period.</summary>
    public string Subject { get; set; } = "";
    public string CustomerId { get; set; } = "";
    public string? StripeCustomerId { get; set; }
    public string Expected { get; set; } = "";
    public string Actual { get; set; } = "";
    /// <summary>When the thing itself happened (payment, invoice, period start): which audit windows cover it.</summary>
    public DateTimeOffset OccurredAt { get; set; }
    /// <summary>JSON of <see cref="AuditEvidence"/>: the Stripe ids and ledger entry ids that show the difference.</summary>
    public string Evidence { get; set; } = "{}";
    /// <summary><see cref="AuditDifferenceStatus"/>: open, repaired, repair_failed, resolved, cleared.</summary>
    public string Status { get; set; } = AuditDifferenceStatus.Open;
    /// <summary>What the automatic repair did (e.g. "granted 500 credits, entry 812"), or why it failed; null when none ran.</summary>
    public string? Repair { get; set; }
    public DateTimeOffset? RepairedAt { get; set; }
    /// <summary>The operator who resolved it, and how (recorded in the operator action log too).</summary>
    public string? ResolvedBy { get; set; }
    public string? Resolution { get; set; }
    public DateTimeOffset? ResolvedAt { get; set; }
    public Guid FirstRunId { get; set; }
    public DateTimeOffset FoundAt { get; set; }
    public DateTimeOffset LastSeenAt { get; set; }
}
