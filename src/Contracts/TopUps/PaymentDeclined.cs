namespace Credits.Contracts.TopUps;

/// <summary>The purchase's payment was declined (a permanent card error).</summary>
public record PaymentDeclined
{
    public Guid PurchaseId { get; init; }
    public string Reason { get; init; } = "";
}
