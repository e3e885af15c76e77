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
        // The same lapse as at the period's end (AccountBook.Expiry), without its rollover: nothing carries into a next period.
        foreach (var grant in _grants.Where(g => g.Remaining > 0 && g.Source is GrantSource.PlanAllowance or GrantSource.Rollover).ToList())
            lapsed += LapseRemaining(grant, _now, "subscription ended");
        _account.PlanId = c.PlanId;
        _account.Changed = true;
        return Applied(c) with { Expired = lapsed };
    }
}
