namespace Credits.Contracts.TopUps;

/// <summary>
/// The customer's auto top-up did not buy because the purchase would take what it started this calendar month (UTC)
/// above the policy's monthly cap. Published at most once per customer and month; the next month's first low balance
/// buys again. Amounts are minor units of <see cref="Currency"/>.
/// </summary>
public record AutoTopUpCapReached
{
    public string CustomerId { get; init; } = "";
    /// <summary>The first day of the calendar month (UTC) the cap applies to.</summary>
    public DateTimeOffset Month { get; init; }
    public long MonthlyCap { get; init; }
    /// <summary>What auto top-up started this month (whether paid or not).</summary>
    public long StartedThisMonth { get; init; }
    /// <summary>The purchase that was not started.</summary>
    public long Amount { get; init; }
    public string Currency { get; init; } = "usd";
    public DateTimeOffset OccurredAt { get; init; }
}
