namespace Credits.Ledger.Archive;

/// <summary>
/// A Bloom filter over an archived chunk's key hashes: 10 bits a key and 7 probes, so a key the chunk does not hold
/// passes it about 0.8 % of the time, and a key it holds always does. Every new event of an account with archived
/// months is tested against the account's filters (<see cref="ColdKeys"/>), which never change once written, so every
/// instance keeps them in memory (<see cref="ColdKeyFilters"/>); only a key that passes costs a read.
/// </summary>
/// <remarks>
/// The format is fixed, because the filter is stored and read back by later versions: the filter has 8 bytes at least
/// and 10 bits a key rounded up to whole bytes; bit <c>p</c> is bit <c>p % 8</c> of byte <c>p / 8</c>; the probes of a
/// key whose hash reads big-endian as <c>h</c> are <c>(high64(h) + i × (low64(h) | 1)) mod bits</c> for i = 0..6, in
/// 64-bit unsigned arithmetic (Kirsch and Mitzenmacher's double hashing; the hash is MD5, so its halves are independent
/// enough for it).
/// </remarks>
public static class KeyFilter
{
    const int BitsPerKey = 10, Probes = 7;

    public static byte[] Build(ReadOnlySpan<UInt128> hashes)
    {
        var filter = new byte[Math.Max(8, (hashes.Length * BitsPerKey + 7) / 8)];
        var bits = (ulong)filter.Length * 8;
        foreach (var hash in hashes)
            for (var i = 0; i < Probes; i++)
            {
                var p = Position(hash, i, bits);
                filter[p / 8] |= (byte)(1 << (int)(p % 8));
            }
        return filter;
    }

    public static bool MayContain(ReadOnlySpan<byte> filter, UInt128 hash)
    {
        var bits = (ulong)filter.Length * 8;
        for (var i = 0; i < Probes; i++)
        {
            var p = Position(hash, i, bits);
            if ((filter[(int)(p / 8)] & (1 << (int)(p % 8))) == 0) return false;
        }
        return true;
    }

    static ulong Position(UInt128 hash, int i, ulong bits) =>
        unchecked(((ulong)(hash >> 64) + (ulong)i * ((ulong)hash | 1)) % bits);
}
