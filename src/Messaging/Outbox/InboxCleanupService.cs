using Credits.Messaging.Jobs;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Credits.Messaging.Outbox;

/// <summary>
/// Deletes inbox rows older than <see cref="PostgresOutboxOptions.DuplicateDetectionWindow"/>, so the inbox
/// stays small. Safe on several instances: each runs the same idempotent DELETE.
/// </summary>
public sealed class InboxCleanupService<TDbContext>(
    IServiceScopeFactory scopeFactory,
    PostgresOutboxOptions options,
    JobRuns runs,
    TimeProvider clock,
    ILogger<InboxCleanupService<TDbContext>> logger)
    : PeriodicJob(runs, clock, logger)
    where TDbContext : DbContext
{
    public override string Name => "inbox-cleanup";

    protected override TimeSpan Interval => options.InboxCleanupInterval;

    protected override bool RunsAtStart => false;

    protected override async Task<JobOutcome> RunOnceAsync(CancellationToken ct)
    {
        var removed = await RemoveExpired(ct);
        if (removed > 0) logger.LogDebug("Removed {Count} inbox rows older than {Window}", removed, options.DuplicateDetectionWindow);
        return JobOutcome.Done;
    }

    async Task<int> RemoveExpired(CancellationToken cancellationToken)
    {
        await using var scope = scopeFactory.CreateAsyncScope();
        var dbContext = scope.ServiceProvider.GetRequiredService<TDbContext>();
        var cutoff = Clock.GetUtcNow().UtcDateTime - options.DuplicateDetectionWindow;
        return await dbContext.Set<InboxState>().Where(x => x.Received < cutoff).ExecuteDeleteAsync(cancellationToken);
    }
}
