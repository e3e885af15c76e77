namespace Credits.Ledger.Model;

/// <summary>
/// What an entry records. <c>Amount</c> is its effect on the balance (credits held in grants),
/// <c>HeldChange</c> its effect on the credits held by reservations, <c>Quantity</c> its size.
/// </summary>
public enum EntryKind
{
    /// <summary>Credits added: Amount = +Quantity.</summary>
    Grant,
    /// <summary>Usage burnt from one grant: Amount = -Quantity.</summary>
    Debit,
    /// <summary>A grant's unspent credits lapsed: Amount = -Quantity.</summary>
    Expiry,
    /// <summary>Unspent credits of a grant taken back (e.g. a refunded purchase): Amount = -Quantity.</summary>
    Reversal,
    /// <summary>Credits set aside for a reservation: HeldChange = +Quantity.</summary>
    Hold,
    /// <summary>A reservation's hold lifted (settled, released or expired): HeldChange = -Quantity.</summary>
    Release,
    /// <summary>Usage beyond the available credits on a plan with overage: billable, Amount = 0.</summary>
    Overage,
    /// <summary>Usage beyond the available credits on a plan without overage: not billed, Amount = 0.</summary>
    WriteOff,
    /// <summary>
    /// Priced usage whose price, with the account's carried remainder, did not reach a whole credit: it is carried
    /// on the account (<c>usage_remainder</c>) and this entry keeps the event's key, rate and quantity. Amount = 0.
    /// </summary>
    Remainder,
}
