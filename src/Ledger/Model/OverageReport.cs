namespace Credits.Ledger.Model;

/// <summary>
/// Overage entries of one period reported for billing (to the Stripe meter), up to and including
/// <see cref="LastEntryId"/>. Kept apart so that the entries themselves are never updated.
/// </summary>
public class OverageReport
{
    public string IdempotencyKey { get; set; } = "";
    public string CustomerId { get; set; } = "";
    public DateTimeOffset PeriodStart { get; set; }
    public long Quantity { get; set; }
    public long LastEntryId { get; set; }
    public DateTimeOffset ReportedAt { get; set; }
}
