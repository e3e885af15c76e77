using Credits.Contracts.TopUps;
using Credits.Ledger;
using Credits.Ledger.Commands;
using Credits.Ledger.Model;
using MassTransit;

namespace Credits.Orchestrator.Steps.TopUps;

/// <summary>
/// A won dispute: the credits it froze come back as a purchase grant of their own (keyed by the dispute, so once),
/// not expiring, like the purchase they came from.
/// </summary>
public sealed class RestoreDisputedCreditsConsumer(CreditLedger ledger) : IConsumer<RestoreDisputedCredits>
{
    public async Task Consume(ConsumeContext<RestoreDisputedCredits> context)
    {
        var m = context.Message;
        if (m.Credits <= 0) return;
        LedgerStepFailedException.ThrowUnlessSucceeded(await ledger.GrantAsync(new GrantCredits
        {
            CustomerId = m.CustomerId,
            IdempotencyKey = m.IdempotencyKey,
            Credits = m.Credits,
            Source = GrantSource.Purchase,
            Note = $"dispute {m.DisputeId} of purchase {m.PurchaseId} won: frozen credits restored",
        }, context.CancellationToken));
    }
}
