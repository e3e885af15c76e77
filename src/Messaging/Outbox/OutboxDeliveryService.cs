using System.Data;
using System.Diagnostics;
using Credits.Messaging.Jobs;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Credits.Messaging.Outbox;

/// <summary>
/// The relay: takes committed outbox units that are due with FOR UPDATE SKIP LOCKED (so any number of instances,
/// in any number of processes, never take the same unit), sends each unit's messages in sequence order with the
/// bus (publisher confirms), and deletes what the broker confirmed in the same transaction. A crash between
/// the send and that commit sends the unit again: delivery is at least once, and the receivers' inbox makes
/// it effectively once. Units a consumer sends itself after its commit are due only after a grace
/// (<see cref="PostgresOutboxOptions.RelayGrace"/>): the relay delivers what a crash or a failed send left. A unit
/// whose send fails here waits <see cref="PostgresOutboxOptions.SendRetryDelay"/>, so units that keep failing cannot
/// hold the head of the queue; each such unit is counted (<see cref="DeliveryMetrics"/>).
/// </summary>
public sealed class OutboxDeliveryService<TDbContext>(
    IServiceScopeFactory scopeFactory,
    IBusControl bus,
    OutboxSender sender,
    PostgresOutboxOptions options,
    OutboxDeliverySignal signal,
    JobRuns runs,
    ILogger<OutboxDeliveryService<TDbContext>> logger)
    : BackgroundService
    where TDbContext : DbContext
{
    /// <summary>
    /// The relay's name in <see cref="JobRuns"/>. Not a <see cref="PeriodicJob"/>: a commit's signal wakes it before its
    /// delay is up. Each pass is recorded like a job's run, so a relay that keeps failing degrades the health.
    /// </summary>
    public const string JobName = "outbox-relay";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await bus.WaitForHealthStatus(BusHealthStatus.Healthy, stoppingToken);
        runs.Scheduled(JobName, options.QueryDelay);
        while (!stoppingToken.IsCancellationRequested)
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                // A full batch means more may be waiting: keep going without sleeping.
                while (await DeliverBatch(stoppingToken) >= options.QueryMessageLimit) { }
                runs.Succeeded(JobName, Stopwatch.GetElapsedTime(started));
                await signal.WaitAsync(options.QueryDelay, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                runs.Failed(JobName, Stopwatch.GetElapsedTime(started), exception.GetType().Name);
                logger.LogError(exception, "Outbox delivery failed; retrying after {QueryDelay}", options.QueryDelay);
                await Task.Delay(options.QueryDelay, stoppingToken);
            }
        }
    }

    /// <summary>Relays up to <see cref="PostgresOutboxOptions.QueryMessageLimit"/> units; returns how many were locked.</summary>
    async Task<int> DeliverBatch(CancellationToken cancellationToken)
    {
        await using var scope = scopeFactory.CreateAsyncScope();
        var dbContext = scope.ServiceProvider.GetRequiredService<TDbContext>();
        var tables = OutboxTables.Of(dbContext);
        var strategy = dbContext.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async () =>
        {
            dbContext.ChangeTracker.Clear();
            await using var transaction = await dbContext.Database.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);
            var outboxIds = await dbContext.Database.SqlQueryRaw<Guid>(tables.LockUnits, options.QueryMessageLimit, DateTime.UtcNow)
                .ToListAsync(cancellationToken);
            if (outboxIds.Count == 0) return 0;

            var messages = await dbContext.Set<OutboxMessage>().AsNoTracking()
                .Where(m => outboxIds.Contains(m.OutboxId))
                .OrderBy(m => m.SequenceNumber)
                .ToListAsync(cancellationToken);

            var sent = await Task.WhenAll(messages.GroupBy(m => m.OutboxId).Select(async group =>
            {
                var unit = group.ToList();
                var count = await sender.SendInOrder(unit, cancellationToken);
                return (Unit: group.Key, Sent: unit.Take(count), Failed: count < unit.Count);
            }));

            var sentNumbers = sent.SelectMany(unit => unit.Sent).Select(m => m.SequenceNumber).ToArray();
            await dbContext.Set<OutboxMessage>().Where(m => sentNumbers.Contains(m.SequenceNumber)).ExecuteDeleteAsync(cancellationToken);
            // A unit whose sends failed keeps its state row and its unsent messages, and goes behind the units due now.
            var failed = sent.Where(unit => unit.Failed).Select(unit => unit.Unit).ToArray();
            if (failed.Length > 0)
            {
                var retryAt = DateTime.UtcNow + options.SendRetryDelay;
                await dbContext.Set<OutboxState>().Where(s => failed.Contains(s.OutboxId))
                    .ExecuteUpdateAsync(s => s.SetProperty(x => x.RelayAfter, retryAt), cancellationToken);
            }
            await dbContext.Set<OutboxState>()
                .Where(s => outboxIds.Contains(s.OutboxId) && !dbContext.Set<OutboxMessage>().Any(m => m.OutboxId == s.OutboxId))
                .ExecuteDeleteAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            if (failed.Length > 0) DeliveryMetrics.OutboxUnitsPostponed(failed.Length);
            logger.LogDebug("Relayed {Sent} of {Messages} messages from {Units} outbox units", sentNumbers.Length, messages.Count, outboxIds.Count);
            return outboxIds.Count;
        });
    }
}
