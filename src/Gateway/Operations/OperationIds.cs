using Credits.Sagas;

namespace Credits.Gateway.Operations;

/// <summary>
/// Plan change operation ids. With an Idempotency-Key the id is a version-5 (SHA-1, name-based) UUID of the
/// customer and the key, like <c>SagaKeys.ForPurchase</c> for top-ups, so a retried request names the same
/// operation; without one every request is a new operation.
/// </summary>
public static class OperationIds
{
    /// <summary>With a key: the same id for the same customer and key (a retry names the same operation). Without: a new one.</summary>
    public static Guid ForPlanChange(string customerId, string? idempotencyKey) =>
        idempotencyKey is null ? Guid.CreateVersion7() : SagaKeys.ForPlanChange(customerId, idempotencyKey);
}
