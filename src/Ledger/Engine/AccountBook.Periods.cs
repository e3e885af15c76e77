using Credits.Ledger.Commands;
using Credits.Ledger.Model;
using Credits.Ledger.Results;

namespace Credits.Ledger.Engine;

// Billing periods: each period's plan allowance is a grant that lapses at the period's end.
sealed partial class AccountBook
{
    LedgerResult StartPeriod(StartPeriod c)
    {
        // Allowance (and rollover) of earlier periods lapses now, under the plan it was granted on.
        var earlier = _grants
            .Where(g => g.Remaining > 0 && g.Source is GrantSource.PlanAllowance or GrantSource.Rollover && g.PeriodStart < c.PeriodStart)
            .ToList();
        if (earlier.Count > 0) Lapse(earlier, (c.PeriodStart, c.PeriodEnd));

        if (c.PeriodStart != _account.PeriodStart) _account.OverageThisPeriod = 0;
        _account.PlanId = c.PlanId;
        _account.PeriodStart = c.PeriodStart;
        _account.PeriodEnd = c.PeriodEnd;
        _account.Changed = true;

        var credits = c.Allowance ?? Plan.IncludedCredits;
        var posting = Post(c, c.PeriodStart, $"plan {c.PlanId}");
        if (credits == 0)
        {
            // A plan with no allowance still records the period's start under its key.
            posting.Add(EntryKind.Grant, 0, 0, 0);
            return Applied(c);
        }
        var grant = AddGrant(GrantSource.PlanAllowance, credits, null, c.PeriodStart, c.PeriodEnd, c.PeriodStart, c.IdempotencyKey);
        posting.Add(EntryKind.Grant, credits, 0, credits, grantId: grant.Id);
        return Applied(c) with { Granted = credits, GrantId = grant.Id };
    }
}
