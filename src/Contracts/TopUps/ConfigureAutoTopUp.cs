namespace Credits.Contracts.TopUps;

/// <summary>
/// Sets a customer's auto top-up: when the balance falls to <see cref="Threshold"/> or below, buy
/// <see cref="Credits"/> for <see cref="Amount"/> on the saved card. <see cref="Enabled"/> false turns it off.
/// </summary>
public record ConfigureAutoTopUp
{
    public string CustomerId { get; init; } = "";
    public string StripeCustomerId { get; init; } = "";
    public bool Enabled { get; init; } = true;
    public long Threshold { get; init; }
    public long Credits { get; init; }
    public long Amount { get; init; }
    public string Currency { get; init; } = "usd";
}
