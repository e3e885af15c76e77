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
        var member = c.MemberId is { } memberId ? _members.GetValueOrDefault(memberId) : null;
        var posting = Post(c, c.OccurredAt, c.Note, periodStart: charge.PeriodStart, priced: c.Priced, member: member);
        var credits = c.Priced is { } priced ? ChargePriced(priced) : c.Credits;
        if (credits == 0)
        {
            // The price stays a fraction on the account; the entry keeps the key, so a replay is still a duplicate.
            posting.Add(EntryKind.Remainder, 0, 0, 0);
            return Applied(c);
        }
        // A member may spend up to its own limit in the period; the rest is written off, recorded and not billed.
        var beyondLimit = member is null ? 0 : Math.Max(0, credits - MemberRoom(member, charge.PeriodStart));
        var burnt = Burn(posting, credits - beyondLimit, charge);
        if (beyondLimit > 0) posting.Add(EntryKind.WriteOff, 0, 0, beyondLimit);
        if (member is not null) CountMemberUsage(member, charge.PeriodStart, burnt.Debited + burnt.Overage);
        // Built once rather than as Applied(c) with {...}: a usage batch debits thousands of times.
        return new LedgerResult
        {
            Outcome = LedgerOutcome.Applied, CustomerId = c.CustomerId, IdempotencyKey = c.IdempotencyKey,
            Debited = burnt.Debited, Overage = burnt.Overage, WrittenOff = burnt.WrittenOff + beyondLimit, MemberLimited = beyondLimit,
        };
    }

    /// <summary>
    /// What the member may still spend of usage charged to <paramref name="period"/>: its limit less what it spent in the
    /// account's current period. Late usage of an earlier period is not counted against the current one's limit.
    /// </summary>
    long MemberRoom(MemberState member, DateTimeOffset period) =>
        member.PeriodLimit is not { } limit || period != _account.PeriodStart ? long.MaxValue
        : Math.Max(0, limit - (member.PeriodStart == _account.PeriodStart ? member.UsedThisPeriod : 0));

    void CountMemberUsage(MemberState member, DateTimeOffset period, long credits)
    {
        if (period != _account.PeriodStart) return;
        if (member.PeriodStart != _account.PeriodStart) (member.PeriodStart, member.UsedThisPeriod) = (_account.PeriodStart, 0);
        member.UsedThisPeriod += credits;
        member.Changed = true;
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
        foreach (var grant in BurnOrder())
        {
            if (left == 0) break;
            if (!SpendableAt(grant, at)) continue;
            var take = Math.Min(grant.Remaining, left);
            grant.Remaining -= take;
            grant.Changed = true;
            posting.Add(kind, -take, 0, take, grantId: grant.Id);
            left -= take;
        }
        return taken;
    }

    /// <summary>
    /// All the grants, lowest priority number first, then soonest expiry (never-expiring last), then oldest (the
    /// ordinal breaks ties, so the order is total). Sorted once per account and transaction, not once per debit (a batch
    /// may debit one account many times): the keys never change, and a new grant clears the list (AddGrant). A sort with
    /// one comparison, not OrderBy/ThenBy, which built iterators and key arrays for every account of a batch.
    /// </summary>
    List<GrantState> BurnOrder()
    {
        if (_burnOrder is null)
        {
            _burnOrder = [.. _grants];
            _burnOrder.Sort(InBurnOrder);
        }
        return _burnOrder;
    }

    static int InBurnOrder(GrantState a, GrantState b)
    {
        var order = a.Priority.CompareTo(b.Priority);
        if (order == 0) order = (a.ExpiresAt ?? DateTimeOffset.MaxValue).CompareTo(b.ExpiresAt ?? DateTimeOffset.MaxValue);
        if (order == 0) order = a.CreatedAt.CompareTo(b.CreatedAt);
        return order != 0 ? order : a.Ordinal.CompareTo(b.Ordinal);
    }
}
