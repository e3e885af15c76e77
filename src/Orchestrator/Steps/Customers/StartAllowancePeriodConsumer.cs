using Credits.Contracts.Customers;
using Credits.Ledger;
using Credits.Ledger.Commands;
using Credits.Ledger.Periods;
using MassTransit;

namespace Credits.Orchestrator.Steps.Customers;

/// <summary>
/// Opens a billing period in the ledger with the plan's allowance (the free plan at registration, a paid plan
/// when its invoice is paid, every renewal). Keyed by customer and period start: a period is opened once.
/// </summary>
public sealed class StartAllowancePeriodConsumer(CreditLedger ledger) : IConsumer<StartAllowancePeriod>
{
    public async Task Consume(ConsumeContext<StartAllowancePeriod> context)
    {
        var m = context.Message;
        LedgerStepFailedException.ThrowUnlessSucceeded(await ledger.StartPeriodAsync(new StartPeriod
        {
            CustomerId = m.CustomerId,
            IdempotencyKey = AllowanceKeys.Period(m.CustomerId, m.PeriodStart),
            PlanId = m.PlanId,
            PeriodStart = m.PeriodStart,
            PeriodEnd = m.PeriodEnd,
            Allowance = m.Allowance,
        }, context.CancellationToken));
    }
}
