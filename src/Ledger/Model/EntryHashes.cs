using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Credits.Ledger.Model;

/// <summary>
/// What a ledger entry stores in place of text it only ever compares: its key's hash under the once-only index
/// (16 bytes instead of a key of up to 400 characters) and its operation's fingerprint (8 bytes instead of about
/// 60 characters). Both are MD5, because PostgreSQL computes the same in the column and in the migration that
/// filled them (<c>LedgerEntriesHashedKeys</c>); MD5's weakness against chosen collisions does not matter here:
/// a query always compares the key's text too, and a fingerprint only tells a replay from a conflicting reuse
/// of the same key, which the caller chose.
/// </summary>
public static class EntryHashes
{
    /// <summary>The key hash column's definition, <c>md5(idempotency_key)::uuid</c>: PostgreSQL keeps it in step with the key.</summary>
    public const string KeyHashSql = "md5(idempotency_key)::uuid";

    /// <summary>The same value as <see cref="KeyHashSql"/>, for lookups that use the index.</summary>
    public static Guid Key(string idempotencyKey) =>
        new(Convert.ToHexString(MD5.HashData(Encoding.UTF8.GetBytes(idempotencyKey))));

    /// <summary>The first 64 bits of the fingerprint's MD5, big-endian: <c>('x' || substr(md5(f), 1, 16))::bit(64)::bigint</c>.</summary>
    public static long Fingerprint(string fingerprint) =>
        BinaryPrimitives.ReadInt64BigEndian(MD5.HashData(Encoding.UTF8.GetBytes(fingerprint)));
}
