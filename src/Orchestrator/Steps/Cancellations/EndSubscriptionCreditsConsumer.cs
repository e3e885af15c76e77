using Credits.Contracts.Customers;
using Credits.Ledger;
using Credits.Ledger.Commands;
using MassTransit;

namespace Credits.Orchestrator.Steps.Cancellations;

/// <summary>The ledger's part of a subscription's end: the plan's allowance lapses now, the account keeps the free plan's terms.</summary>
public sealed class EndSubscriptionCreditsConsumer(CreditLedger ledger) : IConsumer<EndSubscriptionCredits>
{
    public async Task Consume(ConsumeContext<EndSubscriptionCredits> context)
    {
        var m = context.Message;
        var result = LedgerStepFailedException.ThrowUnlessSucceeded(await ledger.EndSubscriptionAsync(new EndSubscription
        {
            CustomerId = m.CustomerId, IdempotencyKey = $"subscription-end:{m.OperationId:N}", PlanId = m.FreePlanId,
        }, context.CancellationToken));
        await context.Publish(new SubscriptionCreditsEnded { OperationId = m.OperationId, Lapsed = result.Expired });
    }
}
