namespace Credits.Contracts.Customers;

/// <summary>The setup-mode Checkout session of <see cref="OperationId"/>; <see cref="Url"/> is where the customer gives the card.</summary>
public record CardSetupSessionCreated
{
    public Guid OperationId { get; init; }
    public string SessionId { get; init; } = "";
    public string Url { get; init; } = "";
}
