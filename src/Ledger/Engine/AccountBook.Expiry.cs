using Credits.Ledger.Model;

namespace Credits.Ledger.Engine;

// Expiry: grants lapse at their expiry time and forgotten holds at the end of their time-to-live.
// Runs first in every operation on the account (so figures are right even if the sweep is late)
// and on its own in the sweep (so it happens when no usage arrives). Keys derive from the grant or
// reservation: a second run finds nothing left and writes nothing.
sealed partial class AccountBook
{
    void LapseDue()
    {
        foreach (var reservation in _reservations.Values.Where(r => r.Status == ReservationStatus.Open && r.ExpiresAt <= _now).ToList())
        {
            new Posting(this, $"reservation-expiry:{reservation.Id}", "expiry", reservation.ExpiresAt, null)
                .Add(EntryKind.Release, 0, -reservation.Amount, reservation.Amount, reservationId: reservation.Id);
            reservation.Close(ReservationStatus.Expired, _now);
        }
        var due = _grants.Where(g => g.IsDue(_now)).ToList();
        if (due.Count > 0) Lapse(due, nextPeriod: null);
    }

    /// <summary>
    /// Expires the grants' unspent credits; unspent plan allowance then rolls over into the next
    /// period up to the plan's cap, as a new grant (one per lapsed period) that lapses at that
    /// period's end. Without a known next period it lasts one period length.
    /// </summary>
    void Lapse(IReadOnlyList<GrantState> grants, (DateTimeOffset Start, DateTimeOffset End)? nextPeriod)
    {
        var cap = Plan.RolloverCap;
        var rollovers = grants
            .Where(g => g.Source == GrantSource.PlanAllowance && g.Remaining > 0)
            .GroupBy(g => (g.PeriodStart, g.ExpiresAt))
            .Select(group => (Period: group.Key, Unspent: group.Sum(g => g.Remaining)))
            .ToList();

        foreach (var grant in grants.Where(g => g.Remaining > 0))
        {
            new Posting(this, $"expiry:{grant.Id}", "expiry", grant.ExpiresAt is { } at && at <= _now ? at : _now, null)
                .Add(EntryKind.Expiry, -grant.Remaining, 0, grant.Remaining, grantId: grant.Id);
            grant.Remaining = 0;
            grant.Changed = true;
        }

        if (cap <= 0) return;
        foreach (var (period, unspent) in rollovers)
        {
            var lapsedAt = period.ExpiresAt is { } at && at <= _now ? at : _now;
            var next = nextPeriod ?? NextPeriodAfter(period.PeriodStart ?? lapsedAt, lapsedAt);
            var credits = Math.Min(unspent, cap);
            var key = $"rollover:{_account.CustomerId}:{(period.PeriodStart ?? lapsedAt).UtcTicks}:{lapsedAt.UtcTicks}";
            var grant = AddGrant(GrantSource.Rollover, credits, null, next.Start, next.End, next.Start, key);
            new Posting(this, key, "rollover", lapsedAt, null).Add(EntryKind.Grant, credits, 0, credits, grantId: grant.Id);
        }
    }

    /// <summary>
    /// The period after a lapsed one: the account's current period if it was renewed already, else
    /// a guess of the same length (calendar months or years when the lapsed period was one).
    /// </summary>
    (DateTimeOffset Start, DateTimeOffset End) NextPeriodAfter(DateTimeOffset lapsedPeriodStart, DateTimeOffset lapsedAt)
    {
        if (_account.PeriodStart >= lapsedAt) return (_account.PeriodStart, _account.PeriodEnd);
        for (var months = 1; months <= 12; months++)
            if (lapsedPeriodStart.AddMonths(months) == lapsedAt) return (lapsedAt, lapsedAt.AddMonths(months));
        return (lapsedAt, lapsedAt + (lapsedAt - lapsedPeriodStart));
    }
}
