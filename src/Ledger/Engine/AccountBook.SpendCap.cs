using Credits.Ledger.Commands;
using Credits.Ledger.Results;

namespace Credits.Ledger.Engine;

// Spend caps (docs/spend-caps.md): the most overage a period may bill. Burn asks OverageRoom how much of an excess may
// still be billed and writes off the rest, so a capped account stops like a plan without overage, at exactly the cap.
sealed partial class AccountBook
{
    /// <summary>
    /// The percentages of the cap whose reaching is reported (SpendCapAlert), each once per period; reaching 100 is
    /// also SpendCapReached. Fixed rather than per plan: one rule the customer is told in the portal.
    /// </summary>
    public static readonly IReadOnlyList<int> SpendCapAlertPercents = [50, 80, 100];

    LedgerResult SetCap(SetSpendCap c)
    {
        _account.OverageCap = c.OverageCap;
        _account.Changed = true;
        return Applied(c);
    }

    /// <summary>
    /// How many more overage credits usage charged to the period starting at <paramref name="periodStart"/> may bill:
    /// none when the plan bills no overage or it is suspended; else the cap less what that period has billed (late usage
    /// of the previous period and usage past the period's end count against their own period's overage). The cap in
    /// force now applies to all of them: the ledger keeps one cap, not one per period.
    /// </summary>
    long OverageRoom(DateTimeOffset periodStart) =>
        !OverageAllowed ? 0
        : _account.OverageCap is { } cap ? Math.Max(0, cap - OverageOf(periodStart))
        : long.MaxValue;

    long OverageOf(DateTimeOffset periodStart) =>
        periodStart == _account.PeriodStart ? _account.OverageThisPeriod
        : periodStart == _account.PeriodEnd ? _account.OverageNextPeriod
        : periodStart == _account.PreviousPeriodStart ? _account.OveragePreviousPeriod
        : 0;

    /// <summary>The current period's overage has reached the cap (only on a plan that bills overage).</summary>
    bool SpendCapReachedNow => Plan.OverageAllowed && _account.OverageCap is { } cap && _account.OverageThisPeriod >= cap;

    /// <summary>
    /// The cap's percentages this period's overage reached since they were last reported. The level reported is kept on
    /// the account and follows the overage both ways: raising or removing the cap, or a new period, re-arms the levels
    /// the overage is back under, so they are reported again when reached again.
    /// </summary>
    IReadOnlyList<int> SpendCapCrossings()
    {
        var level = SpendCapLevel();
        // Every debit asks, and almost every one (all without a cap) is at the level already reported: nothing to build.
        if (level == _account.SpendCapAlerted) return [];
        var crossed = SpendCapAlertPercents.Where(p => p > _account.SpendCapAlerted && p <= level).ToList();
        _account.SpendCapAlerted = level;
        _account.Changed = true;
        return crossed;
    }

    /// <summary>The highest alert percentage this period's overage has reached (0: none, no cap, or no overage on the plan).</summary>
    int SpendCapLevel()
    {
        if (!Plan.OverageAllowed || _account.OverageCap is not { } cap) return 0;
        // In 128 bits: a period's overage times 100 may pass a long's range long before the ledger's own limits.
        var used = (Int128)_account.OverageThisPeriod * 100;
        return SpendCapAlertPercents.Where(p => used >= (Int128)p * cap).DefaultIfEmpty(0).Max();
    }
}
