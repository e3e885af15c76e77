using Credits.Messaging.Commits;
using MassTransit;
using MassTransit.Context;
using MassTransit.Saga;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Credits.Messaging.Sagas;

/// <summary>
/// What the saga pipe of one message does with PostgreSQL: insert, load (locked in pessimistic mode), save,
/// update, delete. Runs inside <see cref="SagaTransaction"/>, whose owner (the saga's own transaction or the outbox's)
/// writes changed and deleted instances in its last save, right before it commits: no round trip of their own.
/// Extra payloads (the transactional message scheduler) are visible to the state machine's behaviour.
/// </summary>
sealed class PostgresSagaRepositoryContext<TSaga, TMessage>(
    DbContext dbContext,
    ConsumeContext<TMessage> consumeContext,
    ISagaConsumeContextFactory<DbContext, TSaga> factory,
    SagaConcurrencyMode mode,
    params object[] payloads)
    : ConsumeContextScope<TMessage>(consumeContext, [dbContext, .. payloads]), SagaRepositoryContext<TSaga, TMessage>
    where TSaga : class, ISaga
    where TMessage : class
{
    // The saga consume context wraps this scope (not the bare message) so behaviours see its payloads.
    ConsumeContext<TMessage> Scope => this;

    public Task<SagaConsumeContext<TSaga, TMessage>> Add(TSaga instance) =>
        factory.CreateSagaConsumeContext(dbContext, Scope, instance, SagaConsumeContextMode.Add);

    /// <summary>Inserts the instance of an initial event; null when it already exists, so the caller loads it instead.</summary>
    public async Task<SagaConsumeContext<TSaga, TMessage>> Insert(TSaga instance)
    {
        var entry = await dbContext.Set<TSaga>().AddAsync(instance, CancellationToken);
        try
        {
            // Inside a transaction EF wraps this in a savepoint, so a duplicate key leaves the transaction usable.
            await dbContext.SaveChangesAsync(CancellationToken);
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            entry.State = EntityState.Detached;
            return null!;
        }

        HeldRows.Hold(dbContext, instance);

        return await factory.CreateSagaConsumeContext(dbContext, Scope, instance, SagaConsumeContextMode.Insert);
    }

    public async Task<SagaConsumeContext<TSaga, TMessage>> Load(Guid correlationId)
    {
        var instance = await SagaInstanceLoader.Load<TSaga>(dbContext, mode, correlationId, CancellationToken);
        return instance is null
            ? null!
            : await factory.CreateSagaConsumeContext(dbContext, Scope, instance, SagaConsumeContextMode.Load);
    }

    /// <summary>
    /// A new instance created by a missing-instance policy: a duplicate key here fails the message (so no savepoint),
    /// and its retry loads the winner.
    /// </summary>
    public async Task Save(SagaConsumeContext<TSaga> context)
    {
        await dbContext.Set<TSaga>().AddAsync(context.Saga, CancellationToken);
        await dbContext.SaveWithoutSavepointAsync(CancellationToken);
        HeldRows.Hold(dbContext, context.Saga);
    }

    /// <summary>The tracked instance is written by the transaction owner's last save (no savepoint: a failure rolls the message back).</summary>
    public Task Update(SagaConsumeContext<TSaga> context) => Task.CompletedTask;

    public Task Delete(SagaConsumeContext<TSaga> context)
    {
        dbContext.Set<TSaga>().Remove(context.Saga);
        return Task.CompletedTask;
    }

    public Task Discard(SagaConsumeContext<TSaga> context) => Task.CompletedTask;

    public Task Undo(SagaConsumeContext<TSaga> context)
    {
        var entry = dbContext.ChangeTracker.Entries<TSaga>().FirstOrDefault(e => e.Entity.CorrelationId == context.Saga.CorrelationId);
        if (entry is not null)
            entry.State = EntityState.Unchanged;
        return Task.CompletedTask;
    }

    public Task<SagaConsumeContext<TSaga, T>> CreateSagaConsumeContext<T>(ConsumeContext<T> consumeContext, TSaga instance, SagaConsumeContextMode mode)
        where T : class =>
        factory.CreateSagaConsumeContext(dbContext, consumeContext, instance, mode);
}
