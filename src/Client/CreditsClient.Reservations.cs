namespace Credits.Client;

public sealed partial class CreditsClient
{
    /// <summary>
    /// POST reservations: hold <paramref name="credits"/> for <paramref name="timeToLive"/> (default 5 minutes, at most a
    /// day), refused (409) when not enough are available. The Idempotency-Key is <paramref name="idempotencyKey"/>, or one
    /// chosen for this call: a retry never holds twice and answers the same reservation (outcome "duplicate").
    /// </summary>
    public Task<Reservation> ReserveAsync(string customerId, long credits, TimeSpan? timeToLive = null, string? idempotencyKey = null,
        CancellationToken ct = default) =>
        SendAsync<Reservation>(Request(HttpMethod.Post, Customer(customerId) + "/reservations",
            new { credits, timeToLiveSeconds = (int)(timeToLive ?? TimeSpan.FromMinutes(5)).TotalSeconds }, IdempotencyKeys.OrNew(idempotencyKey)), ct);

    /// <summary>POST settle: end the reservation with the credits actually used (idempotent per reservation; another amount is a 409).</summary>
    public Task<Reservation> SettleAsync(string customerId, Guid reservationId, long actualCredits, CancellationToken ct = default) =>
        SendAsync<Reservation>(Request(HttpMethod.Post, $"{Customer(customerId)}/reservations/{reservationId}/settle", new { actualCredits }), ct);

    /// <summary>POST release: end the reservation without spending (idempotent per reservation).</summary>
    public Task<Reservation> ReleaseAsync(string customerId, Guid reservationId, CancellationToken ct = default) =>
        SendAsync<Reservation>(Request(HttpMethod.Post, $"{Customer(customerId)}/reservations/{reservationId}/release"), ct);
}
