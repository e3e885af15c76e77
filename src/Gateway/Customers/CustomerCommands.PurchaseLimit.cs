using Credits.Contracts.TopUps;
using Credits.Gateway.RateLimits;
using Credits.Persistence.Operations;
using Microsoft.EntityFrameworkCore;

namespace Credits.Gateway.Customers;

public sealed partial class CustomerCommands
{
    /// <summary>
    /// Stores and publishes a new purchase, as <see cref="AcceptOnceAsync{T}"/> does, unless the customer already has
    /// RateLimits:Purchases:PermitLimit purchases accepted within the window. Each new purchase is a Checkout Session
    /// or a charge at Stripe, so the count is taken from operation_requests (every instance's purchases) under a
    /// per-customer transaction lock: two requests, on one instance or two, cannot both take the last place.
    /// Accepted false: a concurrent request with the same key committed first (a repeat). Refused: nothing written.
    /// </summary>
    async Task<(bool Accepted, Refusal? Refusal)> AcceptPurchaseOnceAsync(OperationRequest request, PurchaseCredits command, CancellationToken ct)
    {
        var limit = limits.CurrentValue.Purchases;
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtextextended({"purchases/" + request.CustomerId}, 0))", ct);
        if (await FindRequestAsync(request.OperationId, ct) is not null) return (false, null);

        var since = request.RequestedAt - limit.Window;
        var recent = await db.Set<OperationRequest>().AsNoTracking()
            .Where(r => r.CustomerId == request.CustomerId && r.Kind == OperationKinds.TopUp && r.RequestedAt > since)
            .OrderBy(r => r.RequestedAt).Select(r => r.RequestedAt).Take(limit.PermitLimit).ToListAsync(ct);
        if (recent.Count >= limit.PermitLimit)
            return (false, Refusal.TooManyRequests("Too many purchases",
                $"Customer '{request.CustomerId}' has started {limit.PermitLimit} purchases within {limit.Window:c}, the most allowed; " +
                "nothing was bought. Finish or wait out an earlier one.",
                recent[0] + limit.Window - request.RequestedAt));

        if (!await AcceptOnceAsync(request, command, ct)) return (false, null);
        await transaction.CommitAsync(ct);
        return (true, null);
    }
}
