namespace Credits.Ledger.Archive;

/// <summary>
/// The cold tier of an archived chunk's event keys (docs/SCALING.md, section 6, step 2): what lets the ledger tell a
/// replay of an event whose entries have left the hot table from a new event, without a hot index that grows for ever.
/// Written with the chunk, in its transaction, and never changed (<see cref="ColdKeyIndex"/> has the layout).
/// </summary>
public sealed class ArchivedKeys
{
    public string CustomerId { get; set; } = "";
    /// <summary>The chunk whose keys these are (<see cref="ArchivedChunk.FirstEntryId"/>).</summary>
    public long FirstEntryId { get; set; }
    /// <summary>How many distinct keys the chunk's entries carry.</summary>
    public int Keys { get; set; }
    /// <summary>The keys' Bloom filter (<see cref="KeyFilter"/>), which every instance keeps in memory.</summary>
    public byte[] Filter { get; set; } = [];
    /// <summary>The first hash of every block of <see cref="Hashes"/>: which block could hold a key, found in memory.</summary>
    public byte[] Fences { get; set; } = [];
    /// <summary>The keys' MD5 hashes, 16 bytes each, sorted as PostgreSQL sorts uuids; read a block at a time.</summary>
    public byte[] Hashes { get; set; } = [];
}
