using Credits.Messaging.Jobs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Credits.Billing.Audit;

/// <summary>Runs <see cref="MoneyAudit"/> over the lookback every <see cref="MoneyAuditOptions.Interval"/>, in a scope of its own.</summary>
public sealed class MoneyAuditService(IServiceScopeFactory scopes, IOptions<MoneyAuditOptions> options, JobRuns runs, TimeProvider clock,
    ILogger<MoneyAuditService> logger) : PeriodicJob(runs, clock, logger)
{
    public const string RequestedBy = "schedule";

    public override string Name => "money-audit";

    protected override TimeSpan Interval => options.Value.Interval;

    protected override bool RunsAtStart => false;

    // A run that finds differences has done its job: it recorded them (docs/audit.md). A run with a check that could not
    // look (Stripe unreachable for its list) has not: what that check guards went unchecked. Its error is on the run.
    protected override async Task<JobOutcome> RunOnceAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var run = await scope.ServiceProvider.GetRequiredService<MoneyAudit>().RunAsync(RequestedBy, ct: ct);
        return run.Error is null || run.Status == AuditRunStatus.Skipped
            ? JobOutcome.Done
            : JobOutcome.Incomplete($"audit run {run.Id} {run.Status} with checks that could not look");
    }
}
