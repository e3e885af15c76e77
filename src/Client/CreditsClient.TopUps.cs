namespace Credits.Client;

public sealed partial class CreditsClient
{
    /// <summary>
    /// POST top-ups: buy <paramref name="packId"/> through Stripe Checkout (the answer's checkoutUrl) or on the saved
    /// card. The Idempotency-Key (<paramref name="idempotencyKey"/>, or one chosen for this call) makes a retry answer
    /// the same purchase: pass your own, stable across your retries, when a customer's click may be sent twice.
    /// </summary>
    public Task<Purchase> PurchaseCreditsAsync(string customerId, string packId, bool useSavedCard = false, string? idempotencyKey = null,
        CancellationToken ct = default) =>
        SendAsync<Purchase>(Request(HttpMethod.Post, Customer(customerId) + "/top-ups", new { packId, useSavedCard },
            IdempotencyKeys.OrNew(idempotencyKey)), ct);

    /// <summary>PUT auto-top-up: the last setting wins, so sending it again is safe. It applies once the saga has it.</summary>
    public Task<AutoTopUpConfigured> ConfigureAutoTopUpAsync(string customerId, AutoTopUpSettings settings, CancellationToken ct = default) =>
        SendAsync<AutoTopUpConfigured>(Request(HttpMethod.Put, Customer(customerId) + "/auto-top-up", settings), ct);

    /// <summary>GET auto-top-up; null when the customer has none (yet).</summary>
    public Task<AutoTopUp?> GetAutoTopUpAsync(string customerId, CancellationToken ct = default) =>
        FindAsync<AutoTopUp>(Customer(customerId) + "/auto-top-up", ct);
}
