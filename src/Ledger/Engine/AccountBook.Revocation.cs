using Credits.Ledger.Commands;
using Credits.Ledger.Model;
using Credits.Ledger.Results;

namespace Credits.Ledger.Engine;

// An operator's revocation: unspent credits taken back, as usage would have burnt them.
sealed partial class AccountBook
{
    /// <summary>
    /// Takes up to the asked credits from the grants spendable now, in burn-down order (<see cref="BurnOrder"/>: the
    /// credits usage would have spent next go first), one Reversal entry per grant touched. Capped at
    /// <see cref="Available"/>: what reservations hold is left for them to settle, and the balance never goes below zero.
    /// </summary>
    LedgerResult Revoke(RevokeCredits c)
    {
        var posting = Post(c, note: c.Note);
        var taken = TakeInBurnOrder(posting, c.Credits, _now, EntryKind.Reversal);
        // Nothing to take: an empty reversal still records the key as used, so a retry is a duplicate, not a second try.
        if (!posting.Wrote) posting.Add(EntryKind.Reversal, 0, 0, 0);
        return Applied(c) with { Reversed = taken };
    }
}
