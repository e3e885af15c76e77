namespace Credits.Contracts.TopUps;

/// <summary>
/// The credits a refund (or a dispute) of a purchase stands for: the purchase's credits in proportion to the money
/// refunded by an increase of Stripe's cumulative amount_refunded, rounded up so that a full refund stands for all of
/// them. The top-up saga takes back this share (as far as it is unspent); the money audit expects it taken back.
/// </summary>
public static class RefundShare
{
    public static long Credits(long credits, long amount, long refundedBefore, long refundedNow)
    {
        if (amount <= 0) return credits;
        static long Share(long credits, long amount, long refunded) =>
            (long)Math.Ceiling((decimal)credits * Math.Min(refunded, amount) / amount);
        return Share(credits, amount, refundedNow) - Share(credits, amount, refundedBefore);
    }
}
