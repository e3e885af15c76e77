using Credits.Ledger.Commands;
using Credits.Ledger.Model;
using Credits.Ledger.Periods;
using Credits.Ledger.Results;

namespace Credits.Ledger.Engine;

// Billing periods: each period's plan allowance is a grant for usage that occurs in that period. It stops
// counting as available at the period's end, stays spendable by that period's late usage for the
// late-usage grace, and lapses (with the plan's rollover into the real next period) when the grace ends.
sealed partial class AccountBook
{
    LedgerResult StartPeriod(StartPeriod c)
    {
        // An older period arriving after a newer one (a late or redelivered renewal) changes nothing: the
        // account never moves back. Its key is still recorded, so the step counts as done.
        if (c.PeriodStart < _account.PeriodStart)
        {
            Post(c, c.PeriodStart, $"plan {c.PlanId}: period {c.PeriodStart:O} already over, nothing granted").Add(EntryKind.Grant, 0, 0, 0);
            return Applied(c);
        }

        if (c.PeriodStart > _account.PeriodStart)
        {
            // The old period's overage stays counted for its late usage against the spend cap.
            _account.OveragePreviousPeriod = _account.OverageThisPeriod;
            // Overage recorded after the old period's end, before this period was known, belongs to this period.
            _account.OverageThisPeriod = c.PeriodStart == _account.PeriodEnd ? _account.OverageNextPeriod : 0;
            _account.OverageNextPeriod = 0;
            _account.PreviousPeriodStart = _account.PeriodStart;
            // A new period's cap starts from zero: its levels are reported afresh (at its first usage).
            _account.SpendCapAlerted = 0;
        }
        _account.PlanId = c.PlanId;
        _account.PeriodStart = c.PeriodStart;
        _account.PeriodEnd = c.PeriodEnd;
        _account.Changed = true;

        var credits = c.Allowance ?? Plan.IncludedCredits;
        var posting = Post(c, c.PeriodStart, PeriodNotes.Opened(c.PlanId));
        LedgerResult result;
        if (credits == 0)
        {
            // A plan with no allowance still records the period's start under its key.
            posting.Add(EntryKind.Grant, 0, 0, 0);
            result = Applied(c);
        }
        else
        {
            var grant = AddGrant(GrantSource.PlanAllowance, credits, null, c.PeriodStart, c.PeriodEnd, c.PeriodStart, c.IdempotencyKey);
            posting.Add(EntryKind.Grant, credits, 0, credits, grantId: grant.Id);
            result = Applied(c) with { Granted = credits, GrantId = grant.Id };
        }
        // Earlier allowances whose grace is over and which waited for this period lapse now, rolling into it.
        LapseDue();
        return result;
    }

    /// <summary>The period a use of credits is charged to, and the time by which its grants are chosen.</summary>
    readonly record struct Charge(DateTimeOffset At, DateTimeOffset PeriodStart);

    /// <summary>
    /// Usage is charged to the period of its <paramref name="occurredAt"/> (null = now):
    /// in the current period, to it; in the previous period while the late-usage grace after that period
    /// lasts, to the previous period (its allowance burns and its overage is the previous period's);
    /// after the current period's end before the next period is known, to the next period (never as
    /// overage of the period that ended); anything older than the grace, as usage of now.
    /// </summary>
    Charge ChargeFor(DateTimeOffset? occurredAt)
    {
        var at = occurredAt ?? _now;
        if (at >= _account.PeriodEnd) return new(at, _account.PeriodEnd);
        if (at >= _account.PeriodStart) return new(at, _account.PeriodStart);
        if (_account.PreviousPeriodStart is { } previous && at >= previous && _now < _account.PeriodStart + _boundaries.LateUsageGrace)
            return new(at, previous);
        return occurredAt is null ? new(at, _account.PeriodStart) : ChargeFor(null);
    }

    /// <summary>
    /// May a grant pay for usage that occurred at <paramref name="at"/>? It must be in effect now, and a
    /// grant with an expiry must not have expired by then; a period's grant (allowance, rollover) pays
    /// only for usage inside its period.
    /// </summary>
    bool SpendableAt(GrantState g, DateTimeOffset at) =>
        g.Remaining > 0 && g.EffectiveAt <= _now && !(g.ExpiresAt <= at) && !(g.PeriodStart > at) && !(g.PeriodStart is null && g.ExpiresAt <= _now);

    /// <summary>An unpaid renewal past its grace: usage beyond the available credits is written off until it is paid.</summary>
    LedgerResult Suspend(SuspendOverage c)
    {
        _account.OverageSuspended = c.Suspended;
        _account.Changed = true;
        return Applied(c);
    }

    LedgerResult SetThreshold(SetLowBalanceThreshold c)
    {
        _account.LowBalanceThreshold = c.Threshold;
        _account.Changed = true;
        // Measured from now: setting a level above the balance is not itself a crossing.
        _reportedAvailable = Available;
        return Applied(c);
    }
}
