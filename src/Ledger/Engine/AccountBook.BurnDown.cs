using Credits.Ledger.Commands;
using Credits.Ledger.Model;
using Credits.Ledger.Results;

namespace Credits.Ledger.Engine;

// Usage: burn the available credits in order, then decide what happens to the rest by plan.
sealed partial class AccountBook
{
    LedgerResult Debit(DebitCredits c)
    {
        var posting = Post(c, c.OccurredAt, c.Note);
        var burnt = Burn(posting, c.Credits);
        return Applied(c) with { Debited = burnt.Debited, Overage = burnt.Overage, WrittenOff = burnt.WrittenOff };
    }

    readonly record struct Burnt(long Debited, long Overage, long WrittenOff);

    /// <summary>
    /// Burns up to the available credits from the spendable grants, lowest priority number first,
    /// then soonest expiry (never-expiring last), then oldest; one debit entry per grant touched.
    /// Usage beyond that is overage on a plan that allows it (billable, the balance stays at zero)
    /// and written off otherwise: a plan without overage never goes below zero.
    /// </summary>
    Burnt Burn(Posting posting, long credits)
    {
        var toBurn = Math.Min(credits, Available);
        var left = toBurn;
        foreach (var grant in BurnOrder())
        {
            if (left == 0) break;
            var take = Math.Min(grant.Remaining, left);
            grant.Remaining -= take;
            grant.Changed = true;
            posting.Add(EntryKind.Debit, -take, 0, take, grantId: grant.Id);
            left -= take;
        }

        var excess = credits - toBurn;
        if (excess == 0) return new Burnt(toBurn, 0, 0);
        if (Plan.OverageAllowed)
        {
            posting.Add(EntryKind.Overage, 0, 0, excess);
            return new Burnt(toBurn, excess, 0);
        }
        posting.Add(EntryKind.WriteOff, 0, 0, excess);
        return new Burnt(toBurn, 0, excess);
    }

    IEnumerable<GrantState> BurnOrder() => _grants
        .Where(g => g.IsSpendable(_now))
        .OrderBy(g => g.Priority)
        .ThenBy(g => g.ExpiresAt ?? DateTimeOffset.MaxValue)
        .ThenBy(g => g.CreatedAt)
        .ThenBy(g => g.Ordinal);
}
