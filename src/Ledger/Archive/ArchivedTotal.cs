using Credits.Ledger.Model;

namespace Credits.Ledger.Archive;

/// <summary>
/// A chunk's roll-up: the sums of its entries of one kind and billing period. Written with the chunk, from the same
/// rows; the money audit checks that they equal the chunk's content and, while the entries are still in the ledger,
/// the entries themselves.
/// </summary>
public sealed class ArchivedTotal
{
    public string CustomerId { get; set; } = "";
    public long FirstEntryId { get; set; }
    public EntryKind Kind { get; set; }
    public DateTimeOffset PeriodStart { get; set; }
    public long Amount { get; set; }
    public long HeldChange { get; set; }
    public long Quantity { get; set; }
    public int Entries { get; set; }
}
