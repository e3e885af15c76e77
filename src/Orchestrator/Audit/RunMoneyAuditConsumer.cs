using Credits.Billing.Audit;
using Credits.Contracts.Billing;
using MassTransit;

namespace Credits.Orchestrator.Audit;

/// <summary>
/// Runs the money audit the console asked for, under the run id the Gateway stored. A redelivered request finds its
/// run already finished and does nothing; a request while another run holds the lock is recorded as skipped.
/// The audit runs in a scope of its own, as the schedule's does, not in this consumer's outbox transaction: a run
/// takes minutes over many customers and saves as it goes (each repair on record before the next), and a transaction
/// that long would hold its rows locked and lose every record of the repairs it made if it rolled back.
/// </summary>
public sealed class RunMoneyAuditConsumer(IServiceScopeFactory scopes) : IConsumer<RunMoneyAudit>
{
    public async Task Consume(ConsumeContext<RunMoneyAudit> context)
    {
        var m = context.Message;
        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<MoneyAudit>()
            .RunAsync(m.RequestedBy, new AuditWindow(m.WindowStart, m.WindowEnd), m.RunId, context.CancellationToken);
    }
}
