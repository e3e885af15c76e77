using Credits.Contracts.TopUps;

namespace Credits.Sagas;

/// <summary>
/// The proration rule for credits on a mid-period upgrade: the new plan's included credits times the share of
/// the period still to run, rounded up (the customer paid a prorated flat fee for that share, and a partial
/// credit is the customer's). The old plan's allowance is left to the ledger's StartPeriod rules.
/// </summary>
public static class CreditProration
{
    public static long ForUpgrade(long includedCredits, DateTimeOffset periodStart, DateTimeOffset periodEnd, DateTimeOffset at)
    {
        if (periodEnd <= periodStart) return includedCredits;
        if (at <= periodStart) return includedCredits;
        if (at >= periodEnd) return 0;
        var remaining = (decimal)(periodEnd - at).Ticks / (periodEnd - periodStart).Ticks;
        return (long)Math.Ceiling(includedCredits * remaining);
    }

    /// <summary>The credits a refund takes back (<see cref="RefundShare"/>: the money audit applies the same rule).</summary>
    public static long ForRefund(long credits, long amount, long refundedBefore, long refundedNow) =>
        RefundShare.Credits(credits, amount, refundedBefore, refundedNow);
}
