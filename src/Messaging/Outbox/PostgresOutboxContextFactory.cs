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
/// run the consumer (its rows and its outgoing messages go to the same DbContext), commit, wake the relay.
/// Whatever else runs in the scope (a saga repository, the consumer's own SaveChanges) sees
/// <c>Database.CurrentTransaction</c> set and joins it instead of committing.
/// </summary>
public sealed class PostgresOutboxContextFactory<TDbContext>(
    TDbContext dbContext,
    IServiceProvider provider,
    OutboxDeliverySignal signal)
    : IOutboxContextFactory<TDbContext>
    where TDbContext : DbContext
{
    public async Task Send<T>(ConsumeContext<T> context, OutboxConsumeOptions options, IPipe<OutboxConsumeContext<T>> next)
        where T : class
    {
        var messageId = InboxKey.Of(context)
            ?? throw new MessageException(typeof(T), "The inbox needs a MessageId to recognise redeliveries.");
        var tables = OutboxTables.Of(dbContext);
        // A retry may follow PostgreSQL going away (a restart, a failover): wait for it rather than spend the retries.
        if (context.GetRetryAttempt() > 0) await DatabaseOutage.WaitUntilReachableAsync(dbContext, context.CancellationToken);

        // A retrying strategy (Npgsql's EnableRetryOnFailure) can only retry the whole unit, so the whole
        // unit, consumer included, runs inside it; the inbox makes a retry after an ambiguous commit a no-op.
        var strategy = dbContext.Database.CreateExecutionStrategy();
        var wroteMessages = await strategy.ExecuteAsync(async () =>
        {
            dbContext.ChangeTracker.Clear();
            await using var transaction = await dbContext.Database.BeginTransactionAsync(IsolationLevel.ReadCommitted, context.CancellationToken);
            try
            {
                var receiveCount = await ClaimInbox(tables, messageId, options.ConsumerId, context.CancellationToken);
                var writer = new OutboxWriter(dbContext, messageId, options.ConsumerId);
                var outboxContext = new PostgresOutboxConsumeContext<T>(context, options, provider, writer, receiveCount);

                await next.Send(outboxContext);

                await dbContext.SaveAndCommitAsync(transaction, context.CancellationToken);
                return writer.HasMessages;
            }
            catch
            {
                // Nothing of a failed attempt may reach a later attempt or a later user of the scope.
                dbContext.ChangeTracker.Clear();
                throw;
            }
        });

        if (wroteMessages) signal.Notify();
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
        var connection = (NpgsqlConnection)dbContext.Database.GetDbConnection();
        await using var command = new NpgsqlCommand(tables.ClaimInbox, connection,
            (NpgsqlTransaction?)dbContext.Database.CurrentTransaction?.GetDbTransaction())
        {
            Parameters =
            {
                new NpgsqlParameter<Guid> { TypedValue = messageId },
                new NpgsqlParameter<Guid> { TypedValue = consumerId },
                new NpgsqlParameter<DateTime> { TypedValue = DateTime.UtcNow },
            },
        };
        return (int)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public void Probe(ProbeContext context) =>
        context.CreateFilterScope("outboxContextFactory").Add("provider", "postgres");
}
