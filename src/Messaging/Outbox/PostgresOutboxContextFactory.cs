using System.Data;
using Credits.Messaging.Outages;
using MassTransit;
using MassTransit.Middleware;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace Credits.Messaging.Outbox;

/// <summary>
/// Runs one consumed message as one transaction on the message scope's DbContext: claim the inbox row,
/// run the consumer (its rows and its outgoing messages go to the same DbContext), commit, then send the outgoing
/// messages (<see cref="OutboxAfterCommitDelivery{TDbContext}"/>), or wake the relay in a host that leaves relaying
/// to others.
/// Sagas and consumers marked <see cref="ClaimsInboxOnCommitAttribute"/> claim the inbox row in their last save
/// instead of before they run, which saves a round trip per message.
/// Whatever else runs in the scope (a saga repository, the consumer's own SaveChanges) sees
/// <c>Database.CurrentTransaction</c> set and joins it instead of committing.
/// </summary>
public sealed class PostgresOutboxContextFactory<TDbContext>(
    TDbContext dbContext,
    IServiceProvider provider,
    PostgresOutboxOptions outboxOptions,
    OutboxDeliverySignal signal,
    OutboxAfterCommitDelivery<TDbContext>? afterCommit = null)
    : IOutboxContextFactory<TDbContext>
    where TDbContext : DbContext
{
    public async Task Send<T>(ConsumeContext<T> context, OutboxConsumeOptions options, IPipe<OutboxConsumeContext<T>> next)
        where T : class
    {
        var messageId = InboxKey.Of(context)
            ?? throw new MessageException(typeof(T), "The inbox needs a MessageId to recognise redeliveries.");
        var tables = OutboxTables.Of(dbContext);
        var claimOnCommit = options is PostgresOutboxConsumeOptions { ClaimOnCommit: true };
        // A retry may follow PostgreSQL going away (a restart, a failover): wait for it rather than spend the retries.
        if (context.GetRetryAttempt() > 0) await DatabaseOutage.WaitUntilReachableAsync(dbContext, context.CancellationToken);

        IReadOnlyList<OutboxUnit> committed;
        try
        {
            committed = await Consume(context, options, next, tables, messageId, claimOnCommit);
        }
        catch (Exception) when (claimOnCommit && !context.CancellationToken.IsCancellationRequested)
        {
            // Claimed on commit, a redelivery of a message consumed before runs again and cannot commit (its inbox insert
            // meets the committed row), or fails on the state the first run left. Either way nothing of it stayed.
            if (!await CountRedelivery(tables, messageId, options.ConsumerId))
                throw;
            return;
        }

        if (committed.Count == 0) return;
        if (afterCommit is null) signal.Notify();
        else await afterCommit.Deliver(committed, context.CancellationToken);
    }

    /// <summary>The whole unit in one transaction: claim (first or in the last save), consumer, save, commit.</summary>
    Task<IReadOnlyList<OutboxUnit>> Consume<T>(ConsumeContext<T> context, OutboxConsumeOptions options, IPipe<OutboxConsumeContext<T>> next,
        OutboxTables tables, Guid messageId, bool claimOnCommit)
        where T : class
    {
        // A retrying strategy (Npgsql's EnableRetryOnFailure) can only retry the whole unit, so the whole
        // unit, consumer included, runs inside it; the inbox makes a retry after an ambiguous commit a no-op.
        var strategy = dbContext.Database.CreateExecutionStrategy();
        return strategy.ExecuteAsync(async () =>
        {
            dbContext.ChangeTracker.Clear();
            await using var transaction = await dbContext.Database.BeginTransactionAsync(IsolationLevel.ReadCommitted, context.CancellationToken);
            try
            {
                var receiveCount = claimOnCommit ? 1 : await ClaimInbox(tables, messageId, options.ConsumerId, context.CancellationToken);
                var rows = new OutboxRows(tables, afterCommit is null ? TimeSpan.Zero : outboxOptions.RelayGrace, messageId, options.ConsumerId);
                var outboxContext = new PostgresOutboxConsumeContext<T>(context, options, provider, rows, receiveCount);

                await next.Send(outboxContext);

                // The inbox row rides in the last save's batch; a concurrent or earlier commit of the same message
                // makes that insert fail, and the attempt with it.
                if (claimOnCommit)
                    rows.ClaimInbox();
                await dbContext.SaveAndCommitAsync(transaction, rows, context.CancellationToken);
                return rows.WrittenUnits;
            }
            catch
            {
                // Nothing of a failed attempt may reach a later attempt or a later user of the scope.
                dbContext.ChangeTracker.Clear();
                throw;
            }
        });
    }

    /// <summary>
    /// After a failed attempt of a consumer that claims on commit: true when the message had been consumed and committed
    /// (the delivery is counted on its row, as a claim first would count it), so the failure was only the redelivery's.
    /// False, or PostgreSQL unreachable, leaves the failure to the retry policy.
    /// </summary>
    async Task<bool> CountRedelivery(OutboxTables tables, Guid messageId, Guid consumerId)
    {
        try
        {
            return await dbContext.Database.ExecuteSqlRawAsync(tables.CountRedelivery, messageId, consumerId) == 1;
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException or TimeoutException)
        {
            return false;
        }
    }

    /// <summary>
    /// Inserts the inbox row, or counts a duplicate. A concurrent first delivery of the same message holds
    /// the key until it commits or rolls back, so exactly one of two racing deliveries sees 1.
    /// </summary>
    /// <remarks>
    /// A plain command on the transaction's connection, not EF's SqlQueryRaw: this runs for every consumed message,
    /// and the EF query pipeline (composing, caching under a lock, materializing) was a quarter of the outbox path's
    /// CPU in the profile (docs/BENCHMARKS.md, "Profile").
    /// </remarks>
    async Task<int> ClaimInbox(OutboxTables tables, Guid messageId, Guid consumerId, CancellationToken cancellationToken)
    {
        await using var command = dbContext.PlainCommand(tables.ClaimInbox).With(messageId).With(consumerId).With(DateTime.UtcNow);
        return (int)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public void Probe(ProbeContext context) =>
        context.CreateFilterScope("outboxContextFactory").Add("provider", "postgres");
}
