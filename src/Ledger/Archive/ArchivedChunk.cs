namespace Credits.Ledger.Archive;

/// <summary>
/// One customer's entries of one month, written out once the month is old enough that no entry can join it: a gzipped
/// CSV (<see cref="ArchiveFormat"/>) that PostgreSQL's <c>COPY ... FROM</c> reads back as rows of <c>ledger_entries</c>,
/// with the SHA-256 of the CSV. A chunk covers the customer's entries with ids from <see cref="FirstEntryId"/> to
/// <see cref="LastEntryId"/>, and the chunks of a customer follow one another with no gap, so every entry is in one
/// chunk at most. A month with more entries than a chunk holds (<see cref="LedgerArchiver.MaxEntriesPerChunk"/>) takes
/// several chunks.
/// </summary>
public sealed class ArchivedChunk
{
    public string CustomerId { get; set; } = "";
    public long FirstEntryId { get; set; }
    public long LastEntryId { get; set; }
    /// <summary>The first day (UTC) of the month the chunk's entries were recorded in.</summary>
    public DateTimeOffset Month { get; set; }
    public int Entries { get; set; }
    /// <summary>The CSV, gzipped.</summary>
    public byte[] Content { get; set; } = [];
    /// <summary>SHA-256 of the CSV before compression: what the money audit checks the content against.</summary>
    public byte[] ContentSha256 { get; set; } = [];
    public DateTimeOffset ArchivedAt { get; set; }
    /// <summary>When the chunk was last read back and compared (<see cref="ArchiveCheck"/>): at its archiving, then every <c>Ledger:ArchiveVerifyEvery</c>.</summary>
    public DateTimeOffset VerifiedAt { get; set; }
    /// <summary>What the last comparison found wrong; null when the chunk was sound. The money audit reports each one (<c>archive_mismatch</c>).</summary>
    public string? Difference { get; set; }
    /// <summary>
    /// When the chunk's entries left <c>ledger_entries</c> (<see cref="LedgerArchiver.RemoveArchivedAsync"/>); null while they
    /// are still there. From then on the chunk is the entries: the readers of old months read it instead.
    /// </summary>
    public DateTimeOffset? RemovedAt { get; set; }
}
