using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Credits.Ledger.Model;

/// <summary>
/// What a ledger entry stores in place of text it only ever compares: its key's hash under the once-only index
/// (16 bytes instead of a key of up to 400 characters) and its operation's fingerprint (8 bytes instead of about
/// 60 characters). Both are MD5, because PostgreSQL computes the same in the column and in the migration that
/// filled them (<c>LedgerEntriesHashedKeys</c>); MD5's weakness against chosen collisions does not matter here:
/// every reader matches rows by the key's text as well, and a fingerprint only tells a replay from a conflicting
/// reuse of the same key, which the caller chose.
/// </summary>
/// <remarks>
/// The ledger hashes every key of a usage batch and every operation's fingerprint, so neither allocates: the text is
/// encoded on the stack (or in a rented buffer past 512 bytes) and the digest never leaves it.
/// </remarks>
public static class EntryHashes
{
    /// <summary>The key hash column's definition, <c>md5(idempotency_key)::uuid</c>: PostgreSQL keeps it in step with the key.</summary>
    public const string KeyHashSql = "md5(idempotency_key)::uuid";

    /// <summary>The same value as <see cref="KeyHashSql"/>, for lookups that use the index: the digest's bytes in order, as the uuid's text shows them.</summary>
    public static Guid Key(string idempotencyKey)
    {
        Span<byte> digest = stackalloc byte[MD5.HashSizeInBytes];
        Md5(idempotencyKey, digest);
        return new Guid(digest, bigEndian: true);
    }

    /// <summary>
    /// The same hash as a 128-bit number read big-endian, so that numbers order as PostgreSQL orders the uuids (byte by
    /// byte): the archive's cold tier of keys sorts and searches them (<see cref="Archive.ColdKeyIndex"/>).
    /// </summary>
    public static UInt128 KeyNumber(string idempotencyKey)
    {
        Span<byte> digest = stackalloc byte[MD5.HashSizeInBytes];
        Md5(idempotencyKey, digest);
        return BinaryPrimitives.ReadUInt128BigEndian(digest);
    }

    /// <summary>The number of a hash <see cref="Key"/> already computed: a transaction hashes each key once.</summary>
    public static UInt128 KeyNumber(Guid keyHash)
    {
        Span<byte> bytes = stackalloc byte[MD5.HashSizeInBytes];
        keyHash.TryWriteBytes(bytes, bigEndian: true, out _);
        return BinaryPrimitives.ReadUInt128BigEndian(bytes);
    }

    /// <summary>The first 64 bits of the fingerprint's MD5, big-endian: <c>('x' || substr(md5(f), 1, 16))::bit(64)::bigint</c>.</summary>
    public static long Fingerprint(string fingerprint)
    {
        Span<byte> digest = stackalloc byte[MD5.HashSizeInBytes];
        Md5(fingerprint, digest);
        return BinaryPrimitives.ReadInt64BigEndian(digest);
    }

    /// <summary>MD5 of the text's UTF-8 bytes, as PostgreSQL's <c>md5(text)</c> in a UTF-8 database.</summary>
    static void Md5(string text, Span<byte> digest)
    {
        var length = Encoding.UTF8.GetMaxByteCount(text.Length);
        byte[]? rented = null;
        Span<byte> buffer = length <= 512 ? stackalloc byte[512] : (rented = ArrayPool<byte>.Shared.Rent(length));
        try
        {
            var written = Encoding.UTF8.GetBytes(text, buffer);
            MD5.HashData(buffer[..written], digest);
        }
        finally
        {
            if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
