namespace Credits.StripeEmulator.Billing;

/// <summary>Billing period arithmetic on Unix seconds (UTC calendar months and years).</summary>
public static class Periods
{
    public static long Add(long start, string interval, long count)
    {
        var t = DateTimeOffset.FromUnixTimeSeconds(start);
        return (interval switch
        {
            "day" => t.AddDays(count),
            "week" => t.AddDays(7 * count),
            "month" => t.AddMonths((int)count),
            "year" => t.AddYears((int)count),
            _ => throw new ArgumentOutOfRangeException(nameof(interval), interval, null),
        }).ToUnixTimeSeconds();
    }
}
