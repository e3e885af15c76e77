using Credits.Ledger.Commands;
using Credits.Ledger.Model;
using Credits.Ledger.Results;

namespace Credits.Ledger.Engine;

// The end of a subscription: what the plan gave lapses, what the customer bought stays.
sealed partial class AccountBook
{
    LedgerResult EndSubscription(EndSubscription c)
    {
        var lapsed = 0L;
        foreach (var grant in _grants.Where(g => g.Remaining > 0 && g.Source is GrantSource.PlanAllowance or GrantSource.Rollover))
        {
            // The same key as a lapse at the period's end (AccountBook.Expiry): a grant lapses once, whichever comes first.
            new Posting(this, $"expiry:{grant.Id}", "expiry", _now, "subscription ended", periodStart: grant.PeriodStart)
                .Add(EntryKind.Expiry, -grant.Remaining, 0, grant.Remaining, grantId: grant.Id);
            lapsed += grant.Remaining;
            grant.Remaining = 0;
            grant.Changed = true;
        }
        _account.PlanId = c.PlanId;
        _account.Changed = true;
        return Applied(c) with { Expired = lapsed };
    }
}
