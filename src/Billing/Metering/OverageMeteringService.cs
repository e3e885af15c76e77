using Credits.Messaging.Jobs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Credits.Billing.Metering;

/// <summary>Runs <see cref="OverageMeter.FlushAsync"/> every flush interval, each in a scope of its own.</summary>
public sealed class OverageMeteringService(IServiceScopeFactory scopes, IOptions<OverageMeteringOptions> options, JobRuns runs,
    TimeProvider clock, ILogger<OverageMeteringService> logger) : PeriodicJob(runs, clock, logger)
{
    public override string Name => "overage-metering";

    protected override TimeSpan Interval => options.Value.FlushInterval;

    protected override bool RunsAtStart => false;

    // A failed flush loses nothing: unsent overage stays unreported in the ledger or pending in stripe_meter_reports.
    protected override async Task<JobOutcome> RunOnceAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<OverageMeter>().FlushAsync(ct);
        return JobOutcome.Done;
    }
}
