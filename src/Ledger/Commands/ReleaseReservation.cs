namespace Credits.Ledger.Commands;

/// <summary>Lifts a reservation's hold without spending anything (the work did not happen).</summary>
public sealed record ReleaseReservation : LedgerCommand
{
    public required Guid ReservationId { get; init; }

    internal override string Fingerprint() => $"release|{CustomerId}|{ReservationId}";
}
