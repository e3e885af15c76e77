using Credits.Contracts.Customers;
using Credits.Ledger;
using Credits.Ledger.Commands;
using Credits.Ledger.Periods;
using Credits.Ledger.Plans;
using MassTransit;
using Microsoft.Extensions.Logging;

namespace Credits.Orchestrator.Steps.Customers;

/// <summary>
/// Opens a billing period in the ledger with the plan's allowance (the free plan at registration, a paid plan
/// when its invoice is paid, every renewal). Keyed by customer and period start: a period is opened once.
/// The registration's first period also brings the plan's trial credits, in the same ledger transaction
/// (<see cref="TrialCredits"/>: once per customer, whatever is delivered again).
/// </summary>
public sealed class StartAllowancePeriodConsumer(CreditLedger ledger, PlanCatalog plans, ILogger<StartAllowancePeriodConsumer> logger)
    : IConsumer<StartAllowancePeriod>
{
    public async Task Consume(ConsumeContext<StartAllowancePeriod> context)
    {
        var m = context.Message;
        var period = new StartPeriod
        {
            CustomerId = m.CustomerId,
            IdempotencyKey = AllowanceKeys.Period(m.CustomerId, m.PeriodStart),
            PlanId = m.PlanId,
            PeriodStart = m.PeriodStart,
            PeriodEnd = m.PeriodEnd,
            Allowance = m.Allowance,
        };
        var trial = m.FirstPeriod && plans.Contains(m.PlanId) ? TrialCredits.For(plans.Get(m.PlanId), m.CustomerId, m.PeriodStart) : null;
        var results = await ledger.ApplyAsync(trial is null ? [period] : [period, trial], context.CancellationToken);
        LedgerStepFailedException.ThrowUnlessSucceeded(results[0]);
        // A conflict on the trial's key means this customer had a trial already (the plan's trial was configured otherwise
        // then): never a second one, and no reason to fail the period.
        if (trial is not null && results[1] is { Succeeded: false } refused)
            logger.LogWarning("Trial credits for {CustomerId} not granted: {Outcome} {Reason}", m.CustomerId, refused.Outcome, refused.Reason);
    }
}
