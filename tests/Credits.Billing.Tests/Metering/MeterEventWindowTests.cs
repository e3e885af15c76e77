using Credits.Billing.Metering;
using Xunit;

namespace Credits.Billing.Tests.Metering;

/// <summary>Meter event timestamps stay inside Stripe's window: at most 35 days back, never in the future.</summary>
public sealed class MeterEventWindowTests
{
    static readonly DateTimeOffset Now = new(2026, 11, 26, 3, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Overage_recorded_recently_keeps_its_time() =>
        Assert.Equal(Now.AddHours(-3), MeterEventWindow.Clamp(Now.AddHours(-3), Now));

    [Fact]
    public void Overage_older_than_Stripe_accepts_is_stamped_inside_the_window()
    {
        var stamped = MeterEventWindow.Clamp(Now.AddDays(-40), Now);

        Assert.True(stamped > Now - TimeSpan.FromDays(35), $"{stamped} is outside Stripe's 35 days");
        Assert.True(stamped < Now - TimeSpan.FromDays(34));
    }

    [Fact]
    public void A_time_ahead_of_this_clock_is_stamped_now() =>
        Assert.Equal(Now, MeterEventWindow.Clamp(Now.AddMinutes(10), Now));
}
