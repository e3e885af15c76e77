using Credits.Ledger.Commands;
using Credits.Ledger.Model;
using Credits.Ledger.Results;

namespace Credits.Ledger.Engine;

// Reservations hold credits against the available balance without burning any grant; settling
// lifts the hold and burns the actual usage, like a debit.
sealed partial class AccountBook
{
    LedgerResult Reserve(ReserveCredits c)
    {
        var available = Available;
        // A hold is of available credits only, never of overage; the reason says when the cap is why none will come.
        if (c.Credits > available)
            return NotApplied(c, LedgerOutcome.Refused, $"{c.Credits} credits requested, {available} available"
                + (SpendCapReachedNow ? $"; the spend cap of {_account.OverageCap:N0} overage credits this period is reached" : ""));
        var reservation = new ReservationState
        {
            Id = SequentialIds.Next(_now),
            Amount = c.Credits,
            Status = ReservationStatus.Open,
            ExpiresAt = _now + c.TimeToLive,
            IdempotencyKey = c.IdempotencyKey,
            CreatedAt = _now,
            IsNew = true,
        };
        _reservations.Add(reservation.Id, reservation);
        Post(c).Add(EntryKind.Hold, 0, c.Credits, c.Credits, reservationId: reservation.Id);
        return Applied(c) with { Held = c.Credits, ReservationId = reservation.Id };
    }

    LedgerResult Settle(SettleReservation c)
    {
        if (!_reservations.TryGetValue(c.ReservationId, out var reservation))
            return NotApplied(c, LedgerOutcome.NotFound, $"no reservation {c.ReservationId} on this account");
        if (reservation.Status is ReservationStatus.Settled or ReservationStatus.Released)
            return NotApplied(c, LedgerOutcome.Refused, $"reservation {c.ReservationId} is already {reservation.Status.ToString().ToLowerInvariant()}");

        // The work was reserved when the reservation was made: without a time of its own, its usage is
        // charged to the period the reservation was made in (while that period's late-usage grace lasts).
        var charge = ChargeFor(c.OccurredAt ?? reservation.CreatedAt);
        var posting = Post(c, c.OccurredAt, reservationId: reservation.Id, periodStart: charge.PeriodStart);
        long released = 0;
        // An expired hold was lifted already; the work was still done, so its usage is still debited.
        if (reservation.Status == ReservationStatus.Open)
        {
            posting.Add(EntryKind.Release, 0, -reservation.Amount, reservation.Amount, reservationId: reservation.Id);
            released = reservation.Amount;
        }
        reservation.Close(ReservationStatus.Settled, _now);
        var burnt = c.ActualCredits > 0 ? Burn(posting, c.ActualCredits, charge) : default;
        return Applied(c) with
        {
            Released = released, Debited = burnt.Debited, Overage = burnt.Overage, WrittenOff = burnt.WrittenOff,
            ReservationId = reservation.Id,
        };
    }

    LedgerResult Release(ReleaseReservation c)
    {
        if (!_reservations.TryGetValue(c.ReservationId, out var reservation))
            return NotApplied(c, LedgerOutcome.NotFound, $"no reservation {c.ReservationId} on this account");
        switch (reservation.Status)
        {
            case ReservationStatus.Settled:
                return NotApplied(c, LedgerOutcome.Refused, $"reservation {c.ReservationId} is already settled");
            case ReservationStatus.Released or ReservationStatus.Expired:
                // Nothing is held any more: the caller's wish already holds.
                return Applied(c) with { ReservationId = reservation.Id };
        }
        Post(c).Add(EntryKind.Release, 0, -reservation.Amount, reservation.Amount, reservationId: reservation.Id);
        reservation.Close(ReservationStatus.Released, _now);
        return Applied(c) with { Released = reservation.Amount, ReservationId = reservation.Id };
    }
}
