namespace Credits.Benchmarks.Chaos;

/// <summary>
/// One customer of the soak. Every other one is on Pro before the load begins (registered on Hobby, card saved,
/// upgraded); during the load a quarter of all upgrade from Hobby, an eighth schedule a downgrade from Pro.
/// </summary>
public sealed class ChaosCustomer(int index, string runId)
{
    public string CustomerId { get; } = $"{runId}-c{index:D4}";
    public bool StartsOnPro { get; } = index % 2 == 0;
    public bool Upgrades => index % 4 == 1;
    public bool Downgrades => index % 8 == 0;
    public string StripeCustomerId { get; set; } = "";
    public string SubscriptionId { get; set; } = "";
}
