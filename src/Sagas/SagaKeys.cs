using System.Security.Cryptography;
using System.Text;
using Credits.Contracts.Customers;

namespace Credits.Sagas;

/// <summary>Deterministic saga ids and Stripe idempotency keys.</summary>
public static class SagaKeys
{
    // A fixed namespace for name-based (RFC 4122 version 5, SHA-1) UUIDs of Credits customers.
    private static readonly Guid CustomerNamespace = new("6f1c2d8e-4b7a-4e59-9a51-2f0d3c8b7e10");

    // Operations (purchases, plan changes) have their own namespace, so no customer id, whatever its text, names
    // the same UUID as an operation.
    private static readonly Guid OperationNamespace = new("0b7e5d2a-93c1-4f6e-8a24-5c1d9e3f7a61");

    /// <summary>The customer lifecycle saga's correlation id: a version-5 UUID of the app's customer id.</summary>
    public static Guid ForCustomer(string customerId) => NameBased(CustomerNamespace, customerId);

    /// <summary>The auto top-up saga's correlation id: a version-5 UUID of "auto-top-up:" + the app's customer id.</summary>
    public static Guid ForAutoTopUp(string customerId) => NameBased(CustomerNamespace, "auto-top-up:" + customerId);

    /// <summary>
    /// A purchase id from the client's Idempotency-Key, scoped to the customer (<see cref="CustomerScopedKey"/>), so
    /// the same request always names the same top-up saga and another customer's request with the same key never does.
    /// </summary>
    public static Guid ForPurchase(string customerId, string idempotencyKey) =>
        NameBased(OperationNamespace, CustomerScopedKey.Of("purchase", customerId, idempotencyKey));

    /// <summary>A plan change's operation id from the client's Idempotency-Key, scoped to the customer (the kind keeps it apart from purchases).</summary>
    public static Guid ForPlanChange(string customerId, string idempotencyKey) =>
        NameBased(OperationNamespace, CustomerScopedKey.Of("plan-change", customerId, idempotencyKey));

    /// <summary>A card setup's id from the client's Idempotency-Key, scoped to the customer (its own kind).</summary>
    public static Guid ForCardSetup(string customerId, string idempotencyKey) =>
        NameBased(OperationNamespace, CustomerScopedKey.Of("card-setup", customerId, idempotencyKey));

    /// <summary>
    /// The upgrade a registration on a paid plan starts once the customer is active on the free plan (docs/lifecycle/cards.md):
    /// one per customer, so a redelivered reply names the same plan change. Its own kind, so no Idempotency-Key names it.
    /// </summary>
    public static Guid ForRegistrationUpgrade(string customerId) =>
        NameBased(OperationNamespace, CustomerScopedKey.Of("registration-upgrade", customerId, ""));
    /// <summary>A cancellation's operation id from the client's Idempotency-Key, scoped to the customer.</summary>
    public static Guid ForCancellation(string customerId, string idempotencyKey) =>
        NameBased(OperationNamespace, CustomerScopedKey.Of("cancellation", customerId, idempotencyKey));

    /// <summary>The operation that ends a subscription Stripe ended by itself (after its last failed retry): one per subscription.</summary>
    public static Guid ForSubscriptionEnd(string subscriptionId) => NameBased(OperationNamespace, "subscription-end:" + subscriptionId);

    /// <summary>
    /// Operation ids as they were derived before issue 12 ("purchase:{customer}:{key}" in the customer namespace, which
    /// two customers could share). Only for finding a request that a client sent before the upgrade and retries after
    /// it, and only when the request stored under that id is the same customer's with the same key; never to name a
    /// new operation (docs/security/scopes.md).
    /// </summary>
    public static class Former
    {
        public static Guid ForPurchase(string customerId, string idempotencyKey) => NameBased(CustomerNamespace, $"purchase:{customerId}:{idempotencyKey}");

        public static Guid ForPlanChange(string customerId, string idempotencyKey) => NameBased(CustomerNamespace, $"plan-change:{customerId}:{idempotencyKey}");
    }

    /// <summary>The Stripe idempotency key of one saga step: the same on every retry of that step.</summary>
    public static string Idempotency(string saga, Guid sagaId, string step) => $"credits:{saga}:{sagaId:N}:{step}";

    private static Guid NameBased(Guid ns, string name)
    {
        Span<byte> nsBytes = stackalloc byte[16];
        ns.TryWriteBytes(nsBytes, bigEndian: true, out _);
        var nameBytes = Encoding.UTF8.GetBytes(name);
        var input = new byte[16 + nameBytes.Length];
        nsBytes.CopyTo(input);
        nameBytes.CopyTo(input, 16);
        var hash = SHA1.HashData(input);
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16), bigEndian: true);
    }
}
