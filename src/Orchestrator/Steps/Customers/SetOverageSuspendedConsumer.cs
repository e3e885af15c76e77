using Credits.Contracts.Customers;
using Credits.Ledger;
using MassTransit;
using LedgerSuspendOverage = Credits.Ledger.Commands.SuspendOverage;

namespace Credits.Orchestrator.Steps.Customers;

/// <summary>Stops or resumes overage in the ledger for a renewal unpaid past its grace (and then paid).</summary>
public sealed class SetOverageSuspendedConsumer(CreditLedger ledger) : IConsumer<SetOverageSuspended>
{
    public async Task Consume(ConsumeContext<SetOverageSuspended> context)
    {
        var m = context.Message;
        LedgerStepFailedException.ThrowUnlessSucceeded(await ledger.SuspendOverageAsync(new LedgerSuspendOverage
        {
            CustomerId = m.CustomerId, IdempotencyKey = $"overage-suspended:{m.CustomerId}:{m.Suspended}", Suspended = m.Suspended,
        }, context.CancellationToken));
    }
}
