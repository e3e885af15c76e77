namespace Credits.Billing.Storage;

/// <summary>
/// One overage report to the Stripe meter, written before it is sent: after a crash it is resent with
/// the same <see cref="Identifier"/>, value and timestamp, which Stripe deduplicates. Marked accepted
/// (and the ledger's overage marked reported) only after Stripe accepted it.
/// </summary>
public class MeterReport
{
    /// <summary>The meter event identifier: the ledger's report key (customer, period, last entry id).</summary>
    public string Identifier { get; set; } = "";
    public string CustomerId { get; set; } = "";
    public string StripeCustomerId { get; set; } = "";
    public DateTimeOffset PeriodStart { get; set; }
    public long Quantity { get; set; }
    public long LastEntryId { get; set; }
    /// <summary>The meter event's timestamp, fixed at creation so every resend is identical.</summary>
    public DateTimeOffset Timestamp { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? AcceptedAt { get; set; }
    public int Attempts { get; set; }
    public string? LastError { get; set; }
}
