using System.Security.Cryptography;
using System.Text;
using Credits.Contracts.Customers;

namespace Credits.Client;

/// <summary>
/// The MessageId of a usage event on the bus: a version-5 (SHA-1, name-based, RFC 4122) UUID of the customer and the
/// event id, so the same event is always the same message. Scoped as the ledger scopes event ids
/// (<see cref="CustomerScopedKey"/>): the same event id of another customer is another message.
/// </summary>
public static class UsageMessageIds
{
    // A namespace of its own, so no usage message id is ever a saga's or an operation's id.
    static readonly Guid Namespace = new("3d1f6a2c-8e47-4b90-a5c3-71e2f09b4d58");

    public static Guid For(string customerId, string eventId)
    {
        Span<byte> ns = stackalloc byte[16];
        Namespace.TryWriteBytes(ns, bigEndian: true, out _);
        var name = Encoding.UTF8.GetBytes(CustomerScopedKey.Of("usage", customerId, eventId));
        var input = new byte[16 + name.Length];
        ns.CopyTo(input);
        name.CopyTo(input, 16);
        var hash = SHA1.HashData(input);
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50); // version 5
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80); // RFC 4122 variant
        return new Guid(hash.AsSpan(0, 16), bigEndian: true);
    }
}
