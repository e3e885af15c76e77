namespace Credits.Contracts.Customers;

/// <summary>How a subscription ends (<see cref="BeginCancellation.Mode"/>).</summary>
public static class CancellationModes
{
    public const string AtPeriodEnd = "period-end";
    public const string Now = "now";
    public const string EndedByStripe = "ended-by-stripe";
}
