using System.Security.Cryptography;
using System.Text;

namespace Credits.Gateway.Operations;

/// <summary>
/// Plan change operation ids. With an Idempotency-Key the id is a version-5 (SHA-1, name-based) UUID of the
/// customer and the key, like <c>SagaKeys.ForPurchase</c> for top-ups, so a retried request names the same
/// operation; without one every request is a new operation.
/// </summary>
public static class OperationIds
{
    // A namespace of the Gateway's own: these ids never collide with the sagas' customer and purchase ids.
    private static readonly Guid PlanChangeNamespace = new("0b9e3c52-7f4d-4a2e-8c61-5d2a9f7e1b34");

    public static Guid ForPlanChange(string customerId, string? idempotencyKey) =>
        idempotencyKey is null ? Guid.CreateVersion7() : NameBased(PlanChangeNamespace, $"plan-change:{customerId}:{idempotencyKey}");

    private static Guid NameBased(Guid ns, string name)
    {
        var nameBytes = Encoding.UTF8.GetBytes(name);
        var input = new byte[16 + nameBytes.Length];
        ns.TryWriteBytes(input.AsSpan(0, 16), bigEndian: true, out _);
        nameBytes.CopyTo(input, 16);
        var hash = SHA1.HashData(input);
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50); // version 5
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80); // RFC 4122 variant
        return new Guid(hash.AsSpan(0, 16), bigEndian: true);
    }
}
