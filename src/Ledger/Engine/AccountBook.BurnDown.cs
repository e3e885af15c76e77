using Credits.Ledger.Commands;
using Credits.Ledger.Model;
using Credits.Ledger.Results;

namespace Credits.Ledger.Engine;

// Usage: burn the available credits in order, then decide what happens to the rest by plan.
sealed partial class AccountBook
{
    LedgerResult Debit(DebitCredits c)
    {
        var charge = ChargeFor(c.OccurredAt);
        var posting = Post(c, c.OccurredAt, c.Note, periodStart: charge.PeriodStart, priced: c.Priced);
        var credits = c.Priced is { } priced ? ChargePriced(priced) : c.Credits;
        if (credits == 0)
        {
            // The price stays a fraction on the account; the entry keeps the key, so a replay is still a duplicate.
            posting.Add(EntryKind.Remainder, 0, 0, 0);
            return Applied(c);
        }
        var burnt = Burn(posting, credits, charge);
        return Applied(c) with { Debited = burnt.Debited, Overage = burnt.Overage, WrittenOff = burnt.WrittenOff };
    }

    /// <summary>Adds the price to the account's carried remainder; returns the whole credits to debit now.</summary>
    long ChargePriced(Pricing.PricedUsage priced)
    {
        (var credits, _account.UsageRemainder) = Pricing.UsagePricing.Charge(_account.UsageRemainder, priced.Price);
        _account.Changed = true;
        return credits;
    }

    readonly record struct Burnt(long Debited, long Overage, long WrittenOff);

    /// <summary>
    /// Burns up to the available credits from the grants that may pay for usage at <paramref name="at"/>
    /// (<see cref="ChargeFor"/>), lowest priority number first, then soonest expiry (never-expiring last),
    /// then oldest; one debit entry per grant touched. Usage beyond that is overage on a plan that allows
    /// it (billable, the balance stays at zero), up to the spend cap of the period it is charged to
    /// (<see cref="OverageRoom"/>), and written off beyond: a plan without overage (or with overage suspended,
    /// or its cap reached) never goes below zero. A debit that crosses the cap bills exactly up to it.
    /// </summary>
    Burnt Burn(Posting posting, long credits, Charge charge)
    {
        var toBurn = TakeInBurnOrder(posting, credits, charge.At, EntryKind.Debit);
        var excess = credits - toBurn;
        if (excess == 0) return new Burnt(toBurn, 0, 0);
        var overage = Math.Min(excess, OverageRoom(charge.PeriodStart));
        if (overage > 0) posting.Add(EntryKind.Overage, 0, 0, overage);
        var writtenOff = excess - overage;
        if (writtenOff > 0) posting.Add(EntryKind.WriteOff, 0, 0, writtenOff);
        return new Burnt(toBurn, overage, writtenOff);
    }

    /// <summary>
    /// Takes up to <paramref name="credits"/>, at most what is available at <paramref name="at"/>, from the grants in
    /// <see cref="BurnOrder"/>, one <paramref name="kind"/> entry per grant touched; returns how many were taken. Usage
    /// (Debit) and an operator's revocation (Reversal) take credits the same way.
    /// </summary>
    long TakeInBurnOrder(Posting posting, long credits, DateTimeOffset at, EntryKind kind)
    {
        var taken = Math.Min(credits, AvailableAt(at));
        var left = taken;
        foreach (var grant in BurnOrder(at))
        {
            if (left == 0) break;
            var take = Math.Min(grant.Remaining, left);
            grant.Remaining -= take;
            grant.Changed = true;
            posting.Add(kind, -take, 0, take, grantId: grant.Id);
            left -= take;
        }
        return taken;
    }

    IEnumerable<GrantState> BurnOrder(DateTimeOffset at) => _grants
        .Where(g => SpendableAt(g, at))
        .OrderBy(g => g.Priority)
        .ThenBy(g => g.ExpiresAt ?? DateTimeOffset.MaxValue)
        .ThenBy(g => g.CreatedAt)
        .ThenBy(g => g.Ordinal);
}
