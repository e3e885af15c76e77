namespace Credits.Billing.Metering;

/// <summary>
/// Stripe takes meter events stamped at most 35 days in the past and 5 minutes in the future. A report
/// is stamped when its overage was recorded (so it lands in that billing period), pulled inside the window.
/// </summary>
public static class MeterEventWindow
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromDays(35);

    /// <summary>Margin so a resend a while later is still accepted.</summary>
    static readonly TimeSpan Margin = TimeSpan.FromHours(1);

    public static DateTimeOffset Clamp(DateTimeOffset recordedAt, DateTimeOffset now)
    {
        var oldest = now - MaxAge + Margin;
        if (recordedAt < oldest) return oldest;
        return recordedAt > now ? now : recordedAt;
    }
}
