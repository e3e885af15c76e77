using Credits.Contracts.TopUps;
using Credits.Ledger;
using Credits.Ledger.Commands;
using Credits.Sagas.StateMachines;
using MassTransit;

namespace Credits.Orchestrator.Steps.TopUps;

/// <summary>
/// A refund takes back the refunded share of the purchase's credits, as far as they are unspent: credits
/// already used stay used (the customer was refunded money; Credits does not invent a negative balance).
/// Keyed by the cumulative refunded amount, so each refund reverses once.
/// </summary>
public sealed class ReverseUnspentCreditsConsumer(CreditLedger ledger) : IConsumer<ReverseUnspentCredits>
{
    public async Task Consume(ConsumeContext<ReverseUnspentCredits> context)
    {
        var m = context.Message;
        var reversed = 0L;
        if (m.Credits > 0)
        {
            var result = LedgerStepFailedException.ThrowUnlessSucceeded(await ledger.ReverseGrantAsync(new ReverseGrant
            {
                CustomerId = m.CustomerId,
                IdempotencyKey = m.IdempotencyKey,
                GrantKey = TopUpStateMachine.GrantKey(m.PurchaseId),
                Credits = m.Credits,
                Note = $"refund of purchase {m.PurchaseId}: {m.AmountRefunded} of {m.Amount}",
            }, context.CancellationToken));
            reversed = result.Reversed;
        }
        await context.Publish(new UnspentCreditsReversed
        {
            PurchaseId = m.PurchaseId, CreditsReversed = reversed, CustomerId = m.CustomerId, Amount = m.Amount, AmountRefunded = m.AmountRefunded,
        });
    }
}
