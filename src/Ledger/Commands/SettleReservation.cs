namespace Credits.Ledger.Commands;

/// <summary>
/// Ends a reservation with the credits actually used (less or more than held): the hold is lifted
/// and the actual amount debited like usage. A reservation that already expired is still debited,
/// since the work was done.
/// </summary>
public sealed record SettleReservation : LedgerCommand
{
    public required Guid ReservationId { get; init; }
    public required long ActualCredits { get; init; }
    public DateTimeOffset? OccurredAt { get; init; }

    internal override string Fingerprint() => $"settle|{CustomerId}|{ReservationId}|{ActualCredits}|{Stamp(OccurredAt)}";

    internal override string? Invalid(DateTimeOffset now) =>
        base.Invalid(now)
        ?? (ActualCredits < 0 ? "actual credits must not be negative" : null)
        ?? (ActualCredits > LedgerLimits.MaxCredits ? $"actual credits must be at most {LedgerLimits.MaxCredits:N0}" : null);
}
