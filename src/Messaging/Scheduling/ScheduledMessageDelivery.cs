using Credits.Messaging.Jobs;
using MassTransit;
using MassTransit.Serialization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Credits.Messaging.Scheduling;

/// <summary>
/// Sends scheduled messages when they fall due. Each batch is locked with <c>FOR UPDATE SKIP LOCKED</c>, sent
/// (each send waits for the broker's confirm), deleted, and committed in one transaction, so several instances
/// share the work and none sends a row another holds. A crash after a send and before the commit leaves the row
/// to be sent again: delivery is at least once, and the receiving saga's state decides what a repeat means. A row
/// whose send fails is kept and postponed by <see cref="PostgresMessageSchedulerOptions.RetryDelay"/>, and counted
/// (<see cref="DeliveryMetrics"/>); the batch's other rows are deleted as sent. (A failed send used to roll the whole
/// batch back: its sent rows went out again at every poll, and a row that could never be sent held every row due
/// after it.)
/// </summary>
sealed class ScheduledMessageDelivery<TDbContext>(
    IServiceScopeFactory scopes,
    IBus bus,
    PostgresMessageSchedulerOptions options,
    JobRuns runs,
    TimeProvider clock,
    ILogger<ScheduledMessageDelivery<TDbContext>> logger) : PeriodicJob(runs, clock, logger)
    where TDbContext : DbContext
{
    public override string Name => "scheduled-messages";

    protected override TimeSpan Interval => options.PollInterval;

    // A full batch means more may be due now; otherwise the next poll. A run that throws (its database) is a failed run:
    // every deadline and timeout of the sagas waits while it lasts, so the health shows it (PeriodicJobsHealthCheck).
    protected override async Task<JobOutcome> RunOnceAsync(CancellationToken ct) =>
        await DeliverDueBatch(ct) < options.BatchSize ? JobOutcome.Done : JobOutcome.More;

    async Task<int> DeliverDueBatch(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var dbContext = scope.ServiceProvider.GetRequiredService<TDbContext>();
        var strategy = dbContext.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async () =>
        {
            await using var transaction = await dbContext.Database.BeginTransactionAsync(cancellationToken);
            var due = await ScheduledMessageTable.LockDue(dbContext, options.BatchSize, cancellationToken);
            if (due.Count == 0)
                return 0;

            var sent = await Task.WhenAll(due.Select(row => TrySend(row, cancellationToken)));
            var failed = due.Where((_, i) => !sent[i]).Select(x => x.TokenId).ToArray();
            await ScheduledMessageTable.DeleteAll(dbContext, due.Where((_, i) => sent[i]).Select(x => x.TokenId).ToArray(), cancellationToken);
            if (failed.Length > 0)
                await ScheduledMessageTable.Postpone(dbContext, failed, DateTime.UtcNow + options.RetryDelay, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            if (failed.Length > 0) DeliveryMetrics.ScheduledMessagesPostponed(failed.Length);
            logger.LogDebug("Delivered {Count} scheduled messages, {Failed} postponed", due.Count - failed.Length, failed.Length);
            return due.Count;
        });
    }

    async Task<bool> TrySend(ScheduledMessageRecord row, CancellationToken cancellationToken)
    {
        try
        {
            var endpoint = await bus.GetSendEndpoint(new Uri(row.DestinationAddress));
            await endpoint.Send(new SerializedMessageBody(), new ScheduledMessageSendPipe(row), cancellationToken);
            return true;
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning(e, "Scheduled message {TokenId} to {Destination} could not be sent; tried again in {RetryDelay}",
                row.TokenId, row.DestinationAddress, options.RetryDelay);
            return false;
        }
    }
}
