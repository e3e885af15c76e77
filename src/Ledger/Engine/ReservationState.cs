using Credits.Ledger.Model;

namespace Credits.Ledger.Engine;

sealed class ReservationState
{
    public required Guid Id { get; init; }
    public required long Amount { get; init; }
    public required ReservationStatus Status { get; set; }
    public required DateTimeOffset ExpiresAt { get; init; }
    public required string IdempotencyKey { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? ClosedAt { get; set; }
    public bool IsNew { get; init; }
    public bool Changed { get; set; }

    public void Close(ReservationStatus status, DateTimeOffset at)
    {
        Status = status;
        ClosedAt = at;
        Changed = true;
    }
}
