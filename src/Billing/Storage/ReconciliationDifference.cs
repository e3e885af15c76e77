namespace Credits.Billing.Storage;

/// <summary>A difference between the ledger and Stripe found by reconciliation, kept for an operator view.</summary>
public class ReconciliationDifference
{
    public Guid Id { get; set; }
    public string CustomerId { get; set; } = "";
    public string? StripeCustomerId { get; set; }
    public string Kind { get; set; } = "";
    public string Expected { get; set; } = "";
    public string Actual { get; set; } = "";
    public string Correction { get; set; } = "";
    public DateTimeOffset FoundAt { get; set; }
}
