namespace Credits.Contracts.Customers;

/// <summary>A cancellation could not be carried out (Stripe refused it, the ledger could not be moved); the subscription is as it was. Frees the customer's slot.</summary>
public record CancellationFailed
{
    public Guid OperationId { get; init; }
    public string CustomerId { get; init; } = "";
    public string Reason { get; init; } = "";
}
