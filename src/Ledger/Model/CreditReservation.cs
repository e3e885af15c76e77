namespace Credits.Ledger.Model;

/// <summary>Credits held for work in progress until settled, released or expired.</summary>
public class CreditReservation
{
    public Guid Id { get; set; }
    public string CustomerId { get; set; } = "";
    public long Amount { get; set; }
    public ReservationStatus Status { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public string IdempotencyKey { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? ClosedAt { get; set; }
}
