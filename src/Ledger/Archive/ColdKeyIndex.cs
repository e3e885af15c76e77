using System.Buffers.Binary;
using Credits.Ledger.Model;

namespace Credits.Ledger.Archive;

/// <summary>
/// The layout of a chunk's cold keys (<see cref="ArchivedKeys"/>): the key hashes (<see cref="EntryHashes.KeyNumber"/>),
/// sorted, 16 bytes each, in blocks of <see cref="BlockKeys"/>; the first hash of each block as the fences (a quarter
/// of a byte per key, kept in memory with the filter; blocks of 1 KB keep what a false pass reads small when an account
/// has many chunks); and a <see cref="KeyFilter"/> over them all. A lookup tests the filter and finds the block by the fences in memory, then
/// reads that one block (1 KB) with <c>substring</c>, which PostgreSQL serves without reading the rest of the column,
/// because it is stored uncompressed (<c>STORAGE EXTERNAL</c>).
/// </summary>
public static class ColdKeyIndex
{
    public const int HashBytes = 16, BlockKeys = 64, BlockBytes = BlockKeys * HashBytes;

    public static ArchivedKeys Build(string customerId, long firstEntryId, IEnumerable<string> keys)
    {
        var hashes = keys.Select(EntryHashes.KeyNumber).Distinct().ToArray();
        return Build(customerId, firstEntryId, hashes);
    }

    /// <summary>From distinct hashes in any order (the read-back check passes PostgreSQL's own).</summary>
    public static ArchivedKeys Build(string customerId, long firstEntryId, UInt128[] hashes)
    {
        Array.Sort(hashes);
        var bytes = new byte[hashes.Length * HashBytes];
        var fences = new byte[(hashes.Length + BlockKeys - 1) / BlockKeys * HashBytes];
        for (var i = 0; i < hashes.Length; i++)
        {
            BinaryPrimitives.WriteUInt128BigEndian(bytes.AsSpan(i * HashBytes), hashes[i]);
            if (i % BlockKeys == 0) BinaryPrimitives.WriteUInt128BigEndian(fences.AsSpan(i / BlockKeys * HashBytes), hashes[i]);
        }
        return new ArchivedKeys
        {
            CustomerId = customerId, FirstEntryId = firstEntryId, Keys = hashes.Length,
            Filter = KeyFilter.Build(hashes), Fences = fences, Hashes = bytes,
        };
    }

    /// <summary>The block that would hold <paramref name="hash"/>: the last whose first hash is not above it; -1 if none.</summary>
    public static int BlockOf(ReadOnlySpan<byte> fences, UInt128 hash)
    {
        int low = 0, high = fences.Length / HashBytes - 1, found = -1;
        while (low <= high)
        {
            var middle = (low + high) / 2;
            if (At(fences, middle) <= hash) { found = middle; low = middle + 1; }
            else high = middle - 1;
        }
        return found;
    }

    /// <summary>Whether a block read from the sorted hashes holds <paramref name="hash"/>.</summary>
    public static bool BlockHolds(ReadOnlySpan<byte> block, UInt128 hash)
    {
        int low = 0, high = block.Length / HashBytes - 1;
        while (low <= high)
        {
            var middle = (low + high) / 2;
            var at = At(block, middle);
            if (at == hash) return true;
            if (at < hash) low = middle + 1;
            else high = middle - 1;
        }
        return false;
    }

    /// <summary>Hashes laid out as <see cref="ArchivedKeys.Hashes"/> holds them (or as PostgreSQL's <c>uuid_send</c> writes uuids).</summary>
    public static UInt128[] Read(ReadOnlySpan<byte> hashes)
    {
        var numbers = new UInt128[hashes.Length / HashBytes];
        for (var i = 0; i < numbers.Length; i++) numbers[i] = At(hashes, i);
        return numbers;
    }

    static UInt128 At(ReadOnlySpan<byte> hashes, int index) => BinaryPrimitives.ReadUInt128BigEndian(hashes.Slice(index * HashBytes, HashBytes));
}
