using Credits.Contracts.PlanChanges;
using Credits.Ledger;
using Credits.Ledger.Commands;
using Credits.Ledger.Periods;
using MassTransit;

namespace Credits.Orchestrator.Steps.PlanChanges;

/// <summary>
/// An upgrade's credits, once its payment is confirmed: the ledger moves the account to the new plan for the
/// same period and grants the prorated allowance (the saga computed it). A downgrade uses it with no allowance to move
/// the ledger (and to move it back). Keyed by operation and step: each done once.
/// </summary>
public sealed class GrantPlanChangeCreditsConsumer(CreditLedger ledger) : IConsumer<GrantPlanChangeCredits>
{
    public async Task Consume(ConsumeContext<GrantPlanChangeCredits> context)
    {
        var m = context.Message;
        LedgerStepFailedException.ThrowUnlessSucceeded(await ledger.StartPeriodAsync(new StartPeriod
        {
            CustomerId = m.CustomerId,
            IdempotencyKey = AllowanceKeys.PlanChange(m.OperationId, m.Step),
            PlanId = m.PlanId,
            PeriodStart = m.PeriodStart,
            PeriodEnd = m.PeriodEnd,
            Allowance = m.Allowance,
        }, context.CancellationToken));
        await context.Publish(new PlanChangeCreditsGranted { OperationId = m.OperationId, Allowance = m.Allowance, Requester = m.Requester });
    }
}
