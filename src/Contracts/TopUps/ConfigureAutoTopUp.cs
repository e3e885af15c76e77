namespace Credits.Contracts.TopUps;

/// <summary>
/// Sets a customer's auto top-up: when the balance falls to <see cref="Threshold"/> or below, buy
/// <see cref="Credits"/> for <see cref="Amount"/> on the saved card. <see cref="Enabled"/> false turns it off; Enabled
/// also re-enables a policy that was suspended after repeated failures. <see cref="MonthlyCap"/> bounds what auto
/// top-up may start in a calendar month (minor units of <see cref="Currency"/>; null: the configured default).
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
    public long? MonthlyCap { get; init; }
}
