namespace Credits.Contracts.Customers;

/// <summary>
/// Step command for the ledger: stop (or resume) billing usage beyond the available credits as overage, for a
/// renewal unpaid past its grace (the account falls back to the free plan's terms: the excess is written off).
/// </summary>
public record SetOverageSuspended
{
    public Guid CorrelationId { get; init; }
    public string CustomerId { get; init; } = "";
    public bool Suspended { get; init; }
}
