using System.Security.Cryptography;
using MassTransit;

namespace Credits.Messaging.Outbox;

/// <summary>
/// The message id the inbox records a consumed message under.
/// </summary>
/// <remarks>
/// A <see cref="Batch{T}"/> has no id of its own: MassTransit hands the consumer the batch on the consume context of one
/// of its messages (the last), so its MessageId is that message's. A batch's make-up changes between deliveries: after
/// a lost ack (a consumer killed after its commit, RabbitMQ restarted) the redelivered messages arrive mixed with new
/// ones. Keyed on one member, a batch whose last member was consumed before was taken for consumed whole, and the new
/// messages in it were acknowledged and never applied. A batch is keyed on all its members instead: the same batch again
/// is a no-op; any other make-up runs, and a member consumed before is the consumer's own duplicate to recognise (the
/// usage consumers do: the ledger keys every event).
/// </remarks>
public static class InboxKey
{
    public static Guid? Of<T>(ConsumeContext<T> context) where T : class =>
        context.Message is IEnumerable<ConsumeContext> batch ? OfBatch(batch.Select(m => m.GetOriginalMessageId())) : context.GetOriginalMessageId();

    /// <summary>The key of a batch with these members' ids, whatever their order; null when one has no id.</summary>
    public static Guid? OfBatch(IEnumerable<Guid?> memberIds)
    {
        var ids = new List<Guid>();
        foreach (var member in memberIds)
        {
            if (member is not { } id) return null;
            ids.Add(id);
        }
        if (ids.Count == 1) return ids[0];

        // Order-free: the broker may hand the same messages back in another order.
        ids.Sort();
        var bytes = new byte[ids.Count * 16];
        for (var i = 0; i < ids.Count; i++) ids[i].TryWriteBytes(bytes.AsSpan(i * 16, 16));
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(bytes, hash);
        // A name-based (version 5 style) id: version and variant bits set in RFC 9562 byte order, so it reads as one.
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash[..16], bigEndian: true);
    }
}
