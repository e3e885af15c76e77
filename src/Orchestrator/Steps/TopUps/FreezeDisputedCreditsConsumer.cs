using Credits.Contracts.TopUps;
using Credits.Ledger;
using Credits.Ledger.Commands;
using Credits.Sagas.StateMachines;
using MassTransit;

namespace Credits.Orchestrator.Steps.TopUps;

/// <summary>
/// A disputed payment: the disputed share of the purchase's credits is taken back as far as it is unspent (a ledger
/// reversal of the purchase's grant, keyed by the dispute). What was already spent stays spent; the answer says how
/// much was taken so the saga can report the shortfall.
/// </summary>
public sealed class FreezeDisputedCreditsConsumer(CreditLedger ledger, ILogger<FreezeDisputedCreditsConsumer> logger) : IConsumer<FreezeDisputedCredits>
{
    public async Task Consume(ConsumeContext<FreezeDisputedCredits> context)
    {
        var m = context.Message;
        var frozen = 0L;
        if (m.Credits > 0)
        {
            var result = LedgerStepFailedException.ThrowUnlessSucceeded(await ledger.ReverseGrantAsync(new ReverseGrant
            {
                CustomerId = m.CustomerId,
                IdempotencyKey = m.IdempotencyKey,
                GrantKey = TopUpStateMachine.GrantKey(m.PurchaseId),
                Credits = m.Credits,
                Note = $"dispute {m.DisputeId} of purchase {m.PurchaseId}: disputed credits frozen",
            }, context.CancellationToken));
            frozen = result.Reversed;
        }
        if (frozen < m.Credits)
            logger.LogWarning("Dispute {DisputeId} of purchase {PurchaseId} ({CustomerId}): {Spent} of the {Share} disputed credits were already spent",
                m.DisputeId, m.PurchaseId, m.CustomerId, m.Credits - frozen, m.Credits);
        await context.Publish(new DisputedCreditsFrozen { PurchaseId = m.PurchaseId, DisputeId = m.DisputeId, CreditsFrozen = frozen });
    }
}
