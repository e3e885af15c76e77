using Credits.Contracts.Customers;
using Credits.Gateway.Operations;
using Credits.Persistence.Operations;
using Credits.Sagas;
using Credits.Sagas.StateMachines;
using Microsoft.EntityFrameworkCore;

namespace Credits.Gateway.Customers;

public sealed partial class CustomerCommands
{
    /// <summary>
    /// Adds or replaces the customer's card: publishes SetUpCard (the card-setup saga) and waits up to
    /// <paramref name="waitForCheckout"/> for the setup-mode Checkout URL. With an Idempotency-Key the setup id is
    /// <see cref="SagaKeys.ForCardSetup"/>(customer, key), so a retry returns the same setup and publishes nothing.
    /// </summary>
    public async Task<CommandResult<CardSetupAccepted>> SetUpCardAsync(string customerId, string? idempotencyKey, TimeSpan waitForCheckout,
        CancellationToken ct = default)
    {
        if (CustomerIds.Check(customerId) is { } badId) return badId;
        if (CustomerIds.CheckIdempotencyKey(idempotencyKey, required: false) is { } badKey) return badKey;
        var (customer, refusal) = await ActiveCustomerAsync(customerId, ct);
        if (refusal is not null) return refusal;

        var setupId = idempotencyKey is null ? Guid.CreateVersion7() : SagaKeys.ForCardSetup(customerId, idempotencyKey);
        var earlier = await FindRequestAsync(setupId, ct);
        var repeated = earlier is not null;
        if (!repeated)
        {
            var request = new OperationRequest
            {
                OperationId = setupId, Kind = OperationKinds.CardSetup, CustomerId = customerId, IdempotencyKey = idempotencyKey,
                RequestedAt = clock.GetUtcNow(), Request = "{}",
            };
            repeated = !await AcceptOnceAsync(request, new SetUpCard { SetupId = setupId, CustomerId = customerId, StripeCustomerId = customer!.StripeCustomerId! }, ct);
            if (repeated) earlier = await FindRequestAsync(setupId, ct);
        }
        if (repeated && earlier is not { Kind: OperationKinds.CardSetup }) return Refusal.IdempotencyKeyReused(idempotencyKey!);

        var state = await WaitForCardPageAsync(setupId, waitForCheckout, ct);
        return new CardSetupAccepted(setupId, repeated, state is null ? OperationStatuses.Accepted : OperationStatuses.FromCardSetup(state.CurrentState),
            state?.CurrentState, state?.CurrentState == "AwaitingCard" ? state.CheckoutUrl : null, CustomerFacingReasons.ForCardSetup(state?.LastError));
    }

    /// <summary>The card-setup saga's row once it has the page's URL or has moved on, or as it is when the wait ends.</summary>
    async Task<CardSetupState?> WaitForCardPageAsync(Guid setupId, TimeSpan wait, CancellationToken ct)
    {
        var deadline = clock.GetUtcNow() + wait;
        while (true)
        {
            var state = await db.Set<CardSetupState>().AsNoTracking().FirstOrDefaultAsync(s => s.CorrelationId == setupId, ct);
            if (state is not null && (state.CheckoutUrl is not null || state.CurrentState != "AwaitingCard")) return state;
            if (clock.GetUtcNow() >= deadline) return state;
            await Task.Delay(CheckoutPollInterval, clock, ct);
        }
    }
}
