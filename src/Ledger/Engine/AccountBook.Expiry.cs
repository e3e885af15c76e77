using Credits.Ledger.Model;

namespace Credits.Ledger.Engine;

// Expiry: grants lapse at their expiry time and forgotten holds at the end of their time-to-live; a
// period's allowance and rollover lapse when the period's late-usage grace ends and the next period is
// known (or, without one, after the renewal wait). Runs first in every operation on the account (so
// figures are right even if the sweep is late) and on its own in the sweep (so it happens when no usage
// arrives). Keys derive from the grant or reservation: a second run finds nothing left and writes nothing.
sealed partial class AccountBook
{
    void LapseDue()
    {
        // Loops that build a list only when something is due: this runs for every account of every usage batch, and
        // almost always finds nothing.
        foreach (var reservation in _reservations.Values)
            if (reservation.Status == ReservationStatus.Open && reservation.ExpiresAt <= _now)
            {
                new Posting(this, $"reservation-expiry:{reservation.Id}", "expiry", reservation.ExpiresAt, null)
                    .Add(EntryKind.Release, 0, -reservation.Amount, reservation.Amount, reservationId: reservation.Id);
                reservation.Close(ReservationStatus.Expired, _now);
            }
        List<GrantState>? due = null;
        foreach (var grant in _grants)
            if (IsDue(grant)) (due ??= []).Add(grant);
        if (due is not null) Lapse(due);
    }

    /// <summary>The rule the expiry sweep's query repeats in SQL (<see cref="CreditLedger.FindAccountsWithDueExpiryAsync"/>).</summary>
    bool IsDue(GrantState g) =>
        g.Remaining > 0 && g.ExpiresAt is { } end && (g.PeriodStart is null
            ? end <= _now
            : end + _boundaries.LateUsageGrace <= _now && (_account.PeriodStart >= end || end + _boundaries.RenewalWait <= _now));

    /// <summary>
    /// Expires the grants' unspent credits; unspent plan allowance then rolls over into the next period
    /// up to the plan's cap, as a new grant (one per lapsed period) carrying that period's real dates,
    /// which the account has by then. An allowance that lapsed without a next period (the renewal wait
    /// ran out: a cancelled subscription) rolls nowhere.
    /// </summary>
    void Lapse(IReadOnlyList<GrantState> grants)
    {
        var cap = Plan.RolloverCap;
        var rollovers = grants
            .Where(g => g.Source == GrantSource.PlanAllowance && g.Remaining > 0)
            .GroupBy(g => (g.PeriodStart, g.ExpiresAt))
            .Select(group => (Period: group.Key, Unspent: group.Sum(g => g.Remaining)))
            .ToList();

        foreach (var grant in grants.Where(g => g.Remaining > 0))
            LapseRemaining(grant, grant.ExpiresAt is { } at && at <= _now ? at : _now, null);

        if (cap <= 0) return;
        foreach (var (period, unspent) in rollovers)
        {
            var lapsedAt = period.ExpiresAt is { } at && at <= _now ? at : _now;
            if (_account.PeriodStart < lapsedAt) continue;   // no next period known
            var credits = Math.Min(unspent, cap);
            var key = $"rollover:{_account.CustomerId}:{(period.PeriodStart ?? lapsedAt).UtcTicks}:{lapsedAt.UtcTicks}";
            var grant = AddGrant(GrantSource.Rollover, credits, null, _account.PeriodStart, _account.PeriodEnd, _account.PeriodStart, key);
            new Posting(this, key, "rollover", lapsedAt, null).Add(EntryKind.Grant, credits, 0, credits, grantId: grant.Id);
        }
    }

    /// <summary>
    /// What is left of a grant lapses: one Expiry entry under the key <c>expiry:{grant}</c>, so a grant lapses once whichever
    /// comes first (its expiry, the period's end, the end of the subscription). Returns how many credits lapsed.
    /// </summary>
    long LapseRemaining(GrantState grant, DateTimeOffset at, string? note)
    {
        var lapsed = grant.Remaining;
        new Posting(this, $"expiry:{grant.Id}", "expiry", at, note, periodStart: grant.PeriodStart)
            .Add(EntryKind.Expiry, -lapsed, 0, lapsed, grantId: grant.Id);
        grant.Remaining = 0;
        grant.Changed = true;
        return lapsed;
    }
}
