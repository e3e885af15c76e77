using Credits.Billing.Audit;
using Credits.Contracts.Billing;
using MassTransit;

namespace Credits.Orchestrator.Audit;

/// <summary>
/// Runs the money audit the console asked for, under the run id the Gateway stored. A redelivered request finds its
/// run already finished and does nothing; a request while another run holds the lock is recorded as skipped.
/// </summary>
public sealed class RunMoneyAuditConsumer(MoneyAudit audit) : IConsumer<RunMoneyAudit>
{
    public Task Consume(ConsumeContext<RunMoneyAudit> context)
    {
        var m = context.Message;
        return audit.RunAsync(m.RequestedBy, new AuditWindow(m.WindowStart, m.WindowEnd), m.RunId, context.CancellationToken);
    }
}
