namespace Credits.Ledger.Model;

public enum ReservationStatus
{
    Open,
    Settled,
    Released,
    Expired,
}
