using Credits.Ledger.Expiry;
using Credits.Messaging;
using Credits.Messaging.Jobs;
using Credits.Persistence;
using MassTransit;
using Microsoft.Extensions.Options;

namespace Credits.Orchestrator.Expiry;

/// <summary>
/// Publishes CreditsExpiring for grants that lapse within Ledger:ExpiryWarning:WarnBefore, once per grant. Safe on
/// several instances without a lock: each warning is a row keyed by its grant, inserted in the transaction that writes
/// the outbox message, so two runners claiming the same grant produce one row and one message (the second insert waits
/// for the first to commit and then does nothing). Rules: docs/lifecycle/auto-top-up.md.
/// </summary>
public sealed class CreditsExpiringJob(IServiceScopeFactory scopes, IOptions<ExpiryWarningOptions> options, JobRuns runs,
    TimeProvider clock, ILogger<CreditsExpiringJob> logger) : PeriodicJob(runs, clock, logger)
{
    public override string Name => "expiry-warnings";

    protected override TimeSpan Interval => options.Value.Interval;

    /// <summary>Warns about one batch of qualifying grants not warned about yet, in one transaction; a full batch runs again at once.</summary>
    protected override async Task<JobOutcome> RunOnceAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CreditsDbContext>();
        var publish = scope.ServiceProvider.GetRequiredService<IPublishEndpoint>();

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var warnings = await ExpiryWarnings.ClaimAsync(db, Clock.GetUtcNow(), options.Value.WarnBefore, options.Value.BatchSize, ct);
        foreach (var warning in warnings)
            await publish.Publish(warning, ct);
        await db.SaveAndCommitAsync(transaction, ct);

        if (warnings.Count > 0) logger.LogInformation("Warned about {Grants} grants expiring within {WarnBefore}", warnings.Count, options.Value.WarnBefore);
        return warnings.Count < options.Value.BatchSize ? JobOutcome.Done : JobOutcome.More;
    }
}
