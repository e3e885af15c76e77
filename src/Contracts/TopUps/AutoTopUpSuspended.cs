namespace Credits.Contracts.TopUps;

/// <summary>
/// The customer's auto top-up was turned off after <see cref="ConsecutiveFailures"/> of its purchases in a row ended
/// without payment (declined, authentication required, no saved card). <see cref="Reason"/> is the last purchase's
/// reason. Nothing more is bought until the customer enables auto top-up again (ConfigureAutoTopUp with Enabled).
/// </summary>
public record AutoTopUpSuspended
{
    public string CustomerId { get; init; } = "";
    public int ConsecutiveFailures { get; init; }
    public Guid LastPurchaseId { get; init; }
    public string Reason { get; init; } = "";
    public DateTimeOffset SuspendedAt { get; init; }
}
