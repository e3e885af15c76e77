namespace Credits.Client;

// /v1/customers/{id}/reservations (src/Gateway/Balances/ReservationApi.cs).

/// <summary>
/// A reservation's state after reserve, settle or release. <see cref="Outcome"/>: "applied", or "duplicate" when the
/// same request (Idempotency-Key, or the same reservation settled again) was applied before.
/// </summary>
public sealed record Reservation(Guid? ReservationId, string Outcome, long Held, long Debited, long Available);
