using Credits.Contracts.TopUps;
using Credits.Ledger;
using Credits.Ledger.Commands;
using Credits.Ledger.Model;
using MassTransit;

namespace Credits.Orchestrator.Steps.TopUps;

/// <summary>
/// The purchased credits, keyed by the purchase (the saga's grant key): granted once however often the
/// command is delivered. Purchased credits do not expire; a refund reverses what is left of this grant.
/// </summary>
public sealed class GrantPurchasedCreditsConsumer(CreditLedger ledger) : IConsumer<GrantPurchasedCredits>
{
    public async Task Consume(ConsumeContext<GrantPurchasedCredits> context)
    {
        var m = context.Message;
        LedgerStepFailedException.ThrowUnlessSucceeded(await ledger.GrantAsync(new GrantCredits
        {
            CustomerId = m.CustomerId,
            IdempotencyKey = m.IdempotencyKey,
            Credits = m.Credits,
            Source = GrantSource.Purchase,
            Note = $"purchase {m.PurchaseId}",
        }, context.CancellationToken));
        await context.Publish(new PurchasedCreditsGranted { PurchaseId = m.PurchaseId });
    }
}
