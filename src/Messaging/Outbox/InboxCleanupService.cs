using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Credits.Messaging.Outbox;

/// <summary>
/// Deletes inbox rows older than <see cref="PostgresOutboxOptions.DuplicateDetectionWindow"/>, so the inbox
/// stays small. Safe on several instances: each runs the same idempotent DELETE.
/// </summary>
public sealed class InboxCleanupService<TDbContext>(
    IServiceScopeFactory scopeFactory,
    PostgresOutboxOptions options,
    ILogger<InboxCleanupService<TDbContext>> logger)
    : BackgroundService
    where TDbContext : DbContext
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.InboxCleanupInterval);
        while (await NextTick(timer, stoppingToken))
        {
            try
            {
                var removed = await RemoveExpired(stoppingToken);
                if (removed > 0) logger.LogDebug("Removed {Count} inbox rows older than {Window}", removed, options.DuplicateDetectionWindow);
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogError(exception, "Inbox cleanup failed; retrying at the next interval");
            }
        }
    }

    /// <summary>False once the host stops: a cancelled wait is the normal end, not a failure to report.</summary>
    static async Task<bool> NextTick(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return false;
        }
    }

    public async Task<int> RemoveExpired(CancellationToken cancellationToken)
    {
        await using var scope = scopeFactory.CreateAsyncScope();
        var dbContext = scope.ServiceProvider.GetRequiredService<TDbContext>();
        var cutoff = DateTime.UtcNow - options.DuplicateDetectionWindow;
        return await dbContext.Set<InboxState>().Where(x => x.Received < cutoff).ExecuteDeleteAsync(cancellationToken);
    }
}
