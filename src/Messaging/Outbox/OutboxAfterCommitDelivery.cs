using System.Collections.Concurrent;
using System.Diagnostics;
using Credits.Messaging.Jobs;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Credits.Messaging.Outbox;

/// <summary>
/// Sends a consumer's outbox units right after its commit, from the rows still in memory, and deletes the sent
/// units afterwards, many in one statement. This is the outbox's usual path: the relay
/// (<see cref="OutboxDeliveryService{TDbContext}"/>) only takes a unit once its grace is over, which happens when
/// this process died between the commit and the send or the send failed.
/// </summary>
/// <remarks>
/// Why: with every unit going through the relay, the relay's rounds (lock, read, send with confirms, delete, commit)
/// set the outbox's pace, and consumers committed faster than it sent (docs/BENCHMARKS.md, "Issue 16, thirteenth
/// session"). Sent from the consumer, the sends run with the consumer's concurrency and need no read.
/// Delivery stays at least once: a crash after the send and before the delete sends the unit again after the grace,
/// and the receivers' inbox makes that a no-op.
/// </remarks>
public sealed class OutboxAfterCommitDelivery<TDbContext>(
    IServiceScopeFactory scopeFactory,
    OutboxSender sender,
    PostgresOutboxOptions options,
    JobRuns runs,
    ILogger<OutboxAfterCommitDelivery<TDbContext>> logger)
    : BackgroundService
    where TDbContext : DbContext
{
    /// <summary>
    /// The deletion loop's name in <see cref="JobRuns"/>, recorded on every pass as the relay's: while deletes keep
    /// failing, every unit sent after its commit is sent again by a relay after its grace and the tables grow, which the
    /// host's health now says instead of a log line alone.
    /// </summary>
    public const string JobName = "outbox-sent-deletion";

    /// <summary>The most sent units one delete statement takes.</summary>
    const int DeleteLimit = 1_000;

    readonly ConcurrentQueue<Guid> _sent = new();
    readonly OutboxDeliverySignal _sentSignal = new();

    /// <summary>
    /// Sends the committed units in order; a unit sent whole is queued for deletion. A unit whose send failed stays
    /// for the relay. Never throws for a send: the caller's transaction has committed and its message is done.
    /// </summary>
    internal async Task Deliver(IReadOnlyList<OutboxUnit> units, CancellationToken cancellationToken)
    {
        try
        {
            foreach (var unit in units)
            {
                if (await sender.SendInOrder(unit.Messages, cancellationToken) < unit.Messages.Count)
                    continue;
                _sent.Enqueue(unit.State.OutboxId);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The host is stopping: what was not sent is the relay's after the grace.
        }
        _sentSignal.Notify();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        runs.Scheduled(JobName, options.QueryDelay);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await _sentSignal.WaitAsync(options.QueryDelay, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            var started = Stopwatch.GetTimestamp();
            try
            {
                while (await DeleteSent(stoppingToken) == DeleteLimit) { }
                runs.Succeeded(JobName, Stopwatch.GetElapsedTime(started));
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception exception)
            {
                // The ids went back to the queue: the next delivery or the next QueryDelay tries again.
                runs.Failed(JobName, Stopwatch.GetElapsedTime(started), exception.GetType().Name);
                logger.LogWarning(exception, "Deleting sent outbox units failed; retrying");
            }
        }
        // A unit sent but not deleted would be sent again by a relay after its grace: delete what is left while stopping.
        using var lastChance = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            while (await DeleteSent(lastChance.Token) > 0) { }
        }
        catch (Exception exception)
        {
            logger.LogWarning(exception, "Sent outbox units left undeleted at shutdown; a relay sends them again after their grace");
        }
    }

    /// <summary>Deletes up to <see cref="DeleteLimit"/> sent units, messages and state in one implicit transaction.</summary>
    async Task<int> DeleteSent(CancellationToken cancellationToken)
    {
        var ids = new List<Guid>();
        while (ids.Count < DeleteLimit && _sent.TryDequeue(out var id)) ids.Add(id);
        if (ids.Count == 0) return 0;
        try
        {
            await using var scope = scopeFactory.CreateAsyncScope();
            var dbContext = scope.ServiceProvider.GetRequiredService<TDbContext>();
            var tables = OutboxTables.Of(dbContext);
            await dbContext.Database.OpenConnectionAsync(cancellationToken);
            var connection = (NpgsqlConnection)dbContext.Database.GetDbConnection();
            var unitIds = ids.ToArray();
            await using var batch = new NpgsqlBatch(connection)
            {
                BatchCommands =
                {
                    new NpgsqlBatchCommand(tables.DeleteUnitMessages) { Parameters = { new NpgsqlParameter<Guid[]> { TypedValue = unitIds } } },
                    new NpgsqlBatchCommand(tables.DeleteUnitStates) { Parameters = { new NpgsqlParameter<Guid[]> { TypedValue = unitIds } } },
                },
            };
            await batch.ExecuteNonQueryAsync(cancellationToken);
            logger.LogDebug("Deleted {Units} outbox units sent after their commit", ids.Count);
            return ids.Count;
        }
        catch
        {
            foreach (var id in ids) _sent.Enqueue(id);
            throw;
        }
    }
}
