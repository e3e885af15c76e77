namespace Credits.Ledger.Queries;

/// <summary>
/// Entries newest first. Pass <see cref="NextBefore"/> as <c>before</c> for the next page (keyset
/// paging on the entry id: stable while new entries arrive); null when there is no more.
/// </summary>
public sealed record EntryPage(IReadOnlyList<LedgerEntryView> Entries, long? NextBefore);
