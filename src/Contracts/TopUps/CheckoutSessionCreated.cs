namespace Credits.Contracts.TopUps;

/// <summary>The purchase's Checkout session; <see cref="Url"/> is where the customer pays.</summary>
public record CheckoutSessionCreated
{
    public Guid PurchaseId { get; init; }
    public string SessionId { get; init; } = "";
    public string Url { get; init; } = "";
}
