using Credits.Ledger;
using Credits.Contracts.TopUps;
using Credits.Gateway.Operations;
using Credits.Persistence.Operations;
using Credits.Sagas;
using Credits.Sagas.StateMachines;
using Microsoft.EntityFrameworkCore;

namespace Credits.Gateway.Customers;

public sealed partial class CustomerCommands
{
    static readonly TimeSpan CheckoutPollInterval = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// Buys a credit pack. The purchase id is <see cref="SagaKeys.ForPurchase"/>(customer, Idempotency-Key), so the same
    /// key again for the same customer returns the same purchase and publishes nothing; for another customer it is
    /// another purchase. For a Checkout payment it then waits up to
    /// <paramref name="waitForCheckout"/> for the session's URL (the saga stores it when Stripe has created it).
    /// </summary>
    public async Task<CommandResult<PurchaseAccepted>> PurchaseCreditsAsync(string customerId, string? packId, bool useSavedCard,
        string? idempotencyKey, TimeSpan waitForCheckout = default, CancellationToken ct = default)
    {
        if (CustomerIds.Check(customerId) is { } badId) return badId;
        if (CustomerIds.CheckIdempotencyKey(idempotencyKey, required: true) is { } badKey) return badKey;
        if (string.IsNullOrEmpty(packId)) return Refusal.Invalid("packId", "packId is required.");
        if (catalog.Pack(packId) is not { } pack)
            return Refusal.Invalid("packId", $"There is no credit pack '{packId}'; packs: {string.Join(", ", catalog.Packs.Select(p => p.Id))}.");

        var (customer, refusal) = await ActiveCustomerAsync(customerId, ct);
        if (refusal is not null) return refusal;

        var purchaseId = SagaKeys.ForPurchase(customerId, idempotencyKey!);
        var requested = new RequestedTopUp(pack.Id, pack.Credits, pack.Amount, pack.Currency, useSavedCard);
        var earlier = await FindRepeatedAsync(purchaseId, SagaKeys.Former.ForPurchase(customerId, idempotencyKey!), customerId, idempotencyKey!, ct);
        // A purchase accepted before ids were scoped to the customer keeps the id its client was given.
        if (earlier is not null) purchaseId = earlier.OperationId;
        var repeated = earlier is not null;
        if (!repeated)
        {
            var request = new OperationRequest
            {
                OperationId = purchaseId, Kind = OperationKinds.TopUp, CustomerId = customerId, IdempotencyKey = idempotencyKey,
                RequestedAt = clock.GetUtcNow(), Request = RequestJson.Write(requested),
            };
            var command = new PurchaseCredits
            {
                PurchaseId = purchaseId, CustomerId = customerId, StripeCustomerId = customer!.StripeCustomerId!,
                Credits = pack.Credits, Amount = pack.Amount, Currency = pack.Currency, UseSavedCard = useSavedCard,
            };
            var (accepted, tooMany) = await AcceptPurchaseOnceAsync(request, command, ct);
            if (tooMany is not null) return tooMany;
            repeated = !accepted;
            earlier = repeated ? await FindRequestAsync(purchaseId, ct) : null;
        }
        if (repeated && !SamePurchase(earlier, requested)) return Refusal.IdempotencyKeyReused(idempotencyKey!);

        var state = await WaitForCheckoutAsync(purchaseId, useSavedCard ? TimeSpan.Zero : waitForCheckout, ct);
        return new PurchaseAccepted(purchaseId, repeated,
            state is null ? OperationStatuses.Accepted : OperationStatuses.FromTopUp(state.CurrentState),
            state?.CurrentState, state?.CheckoutUrl, state?.LastError);
    }

    // The pack and the payment method make a purchase; the pack's price may have changed since, it is the same purchase.
    static bool SamePurchase(OperationRequest? earlier, RequestedTopUp requested) =>
        earlier is { Kind: OperationKinds.TopUp } && RequestJson.Read<RequestedTopUp>(earlier.Request) is { } first
        && first.PackId == requested.PackId && first.UseSavedCard == requested.UseSavedCard;

    /// <summary>The top-up saga's row once it has a Checkout URL or has moved on, or as it is when the wait ends.</summary>
    async Task<TopUpState?> WaitForCheckoutAsync(Guid purchaseId, TimeSpan wait, CancellationToken ct)
    {
        var deadline = clock.GetUtcNow() + wait;
        while (true)
        {
            var state = await db.Set<TopUpState>().AsNoTracking().FirstOrDefaultAsync(s => s.CorrelationId == purchaseId, ct);
            if (state is not null && (state.CheckoutUrl is not null || state.CurrentState != "AwaitingPayment")) return state;
            if (clock.GetUtcNow() >= deadline) return state;
            await Task.Delay(CheckoutPollInterval, clock, ct);
        }
    }

    /// <summary>
    /// Sets the customer's auto top-up: when the balance falls to <paramref name="threshold"/> or below, buy
    /// <paramref name="packId"/> on the saved card, at most <paramref name="monthlyCap"/> (minor units of the pack's
    /// currency; null: Sagas:AutoTopUp:DefaultMonthlyCap) started per calendar month. Publishes ConfigureAutoTopUp; the
    /// last setting wins. Enabled also restarts a policy that repeated failures had stopped.
    /// </summary>
    public async Task<CommandResult<AutoTopUpConfigured>> ConfigureAutoTopUpAsync(string customerId, bool enabled, long threshold,
        string? packId, long? monthlyCap = null, CancellationToken ct = default)
    {
        if (CustomerIds.Check(customerId) is { } badId) return badId;
        if (threshold < 0) return Refusal.Invalid("threshold", "threshold must not be negative.");
        if (threshold > LedgerLimits.MaxCredits) return Refusal.Invalid("threshold", $"threshold must be at most {LedgerLimits.MaxCredits:N0} credits.");
        if (string.IsNullOrEmpty(packId)) return Refusal.Invalid("packId", "packId is required.");
        if (catalog.Pack(packId) is not { } pack) return Refusal.Invalid("packId", $"There is no credit pack '{packId}'.");
        var caps = autoTopUpOptions.Value;
        if (monthlyCap is { } asked && (asked < pack.Amount || asked > caps.MaxMonthlyCap))
            return Refusal.Invalid("monthlyCap", $"monthlyCap must be between the pack's price ({pack.Amount}) and {caps.MaxMonthlyCap}, in minor units of {pack.Currency}.");
        var cap = caps.CapOf(monthlyCap);
        if (cap < pack.Amount)
            return Refusal.Invalid("monthlyCap", $"The default monthly cap ({cap}) is below the pack's price ({pack.Amount}): give a monthlyCap.");

        var (customer, refusal) = await ActiveCustomerAsync(customerId, ct);
        if (refusal is not null) return refusal;

        await publish.Publish(new ConfigureAutoTopUp
        {
            CustomerId = customerId, StripeCustomerId = customer!.StripeCustomerId!, Enabled = enabled, Threshold = threshold,
            Credits = pack.Credits, Amount = pack.Amount, Currency = pack.Currency, MonthlyCap = cap,
        }, ct);
        await db.SaveChangesAsync(ct);
        return new AutoTopUpConfigured(customerId, enabled, threshold, pack.Id, pack.Credits, pack.Amount, pack.Currency, cap);
    }
}
