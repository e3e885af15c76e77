namespace Credits.Contracts.Customers;

/// <summary>Registering the customer failed permanently at <see cref="Step"/>; <see cref="Reason"/> is for people.</summary>
public record CustomerRegistrationFailed
{
    public Guid CorrelationId { get; init; }
    public string CustomerId { get; init; } = "";
    public string Step { get; init; } = "";
    public string Reason { get; init; } = "";
}
