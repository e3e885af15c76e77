using Credits.Contracts.Ledger;
using Credits.Ledger;
using Credits.Ledger.Commands;
using MassTransit;

namespace Credits.Orchestrator.Steps.Customers;

/// <summary>
/// Gives the ledger the customer's auto top-up threshold, so that it reports CreditBalanceLow when the balance
/// falls to it (the plan's thresholds alone may lie below it).
/// </summary>
public sealed class SetCustomerLowBalanceThresholdConsumer(CreditLedger ledger) : IConsumer<SetCustomerLowBalanceThreshold>
{
    public async Task Consume(ConsumeContext<SetCustomerLowBalanceThreshold> context)
    {
        var m = context.Message;
        LedgerStepFailedException.ThrowUnlessSucceeded(await ledger.SetLowBalanceThresholdAsync(new SetLowBalanceThreshold
        {
            CustomerId = m.CustomerId, IdempotencyKey = $"low-balance-threshold:{m.CustomerId}", Threshold = m.Threshold,
        }, context.CancellationToken));
    }
}
