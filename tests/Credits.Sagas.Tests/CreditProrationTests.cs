namespace Credits.Sagas.Tests;

public class When_prorating_an_upgrades_credits
{
    private static readonly DateTimeOffset Start = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset End = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Should_grant_the_share_of_the_period_still_to_run_rounded_up() =>
        Assert.Equal(334, CreditProration.ForUpgrade(1000, Start, End, Start.AddDays(20))); // 10/30 of 1000 = 333.3

    [Fact]
    public void Should_grant_everything_at_the_period_start() =>
        Assert.Equal(1000, CreditProration.ForUpgrade(1000, Start, End, Start));

    [Fact]
    public void Should_grant_nothing_after_the_period_end() =>
        Assert.Equal(0, CreditProration.ForUpgrade(1000, Start, End, End.AddSeconds(1)));
}

public class When_a_purchase_is_refunded_in_parts
{
    [Fact]
    public void Should_take_back_each_refunds_share_adding_up_to_all_credits()
    {
        // 500 credits for $10.00, refunded $3.33, then $3.33 more, then the rest.
        var shares = new[]
        {
            CreditProration.ForRefund(500, 1000, 0, 333),
            CreditProration.ForRefund(500, 1000, 333, 666),
            CreditProration.ForRefund(500, 1000, 666, 1000),
        };
        Assert.Equal([167, 166, 167], shares);
        Assert.Equal(500, shares.Sum());
    }

    [Fact]
    public void Should_take_back_everything_on_a_full_refund() =>
        Assert.Equal(500, CreditProration.ForRefund(500, 1000, 0, 1000));
}
