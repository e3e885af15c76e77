using System.Collections.Concurrent;
using Credits.Messaging.Commits;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace Credits.Messaging.Sagas;

/// <summary>
/// Loads one saga instance for a message that will change it. Pessimistic mode locks the row with
/// <c>FOR UPDATE</c>, so a second message for the same instance waits in PostgreSQL until the first commits and
/// then reads its result (READ COMMITTED re-reads the locked row), which is what serializes them.
/// Optimistic mode reads it plainly and relies on the xmin check of its update.
/// </summary>
static class SagaInstanceLoader
{
    public static async Task<TSaga?> Load<TSaga>(DbContext dbContext, SagaConcurrencyMode mode, Guid correlationId, CancellationToken cancellationToken)
        where TSaga : class, ISaga
    {
        // A tracked copy (a failed insert, an earlier read in the same scope) would hide the row's current values.
        foreach (var entry in dbContext.ChangeTracker.Entries<TSaga>().Where(e => e.Entity.CorrelationId == correlationId).ToList())
            entry.State = EntityState.Detached;

        if (mode == SagaConcurrencyMode.Optimistic)
            return await dbContext.Set<TSaga>().SingleOrDefaultAsync(x => x.CorrelationId == correlationId, cancellationToken);

        TSaga? instance = null;
        await foreach (var row in LockedRead<TSaga>.For(dbContext)(dbContext, correlationId).WithCancellation(cancellationToken))
            instance = row;
        if (instance is not null)
            HeldRows.Hold(dbContext, instance);
        return instance;
    }

    /// <summary>The instance's row read with <c>FOR UPDATE</c> (<see cref="RowLockInterceptor"/>), as a query compiled once.</summary>
    static class LockedRead<TSaga>
        where TSaga : class, ISaga
    {
        // Per DbContext type: a compiled query is bound to one model, and two contexts may map the same instance
        // type to different tables.
        static readonly ConcurrentDictionary<Type, Func<DbContext, Guid, IAsyncEnumerable<TSaga>>> Queries = new();

        public static Func<DbContext, Guid, IAsyncEnumerable<TSaga>> For(DbContext dbContext) =>
            Queries.GetOrAdd(dbContext.GetType(), _ => Compile(dbContext));

        static Func<DbContext, Guid, IAsyncEnumerable<TSaga>> Compile(DbContext dbContext)
        {
            // Without the interceptor the tag is a comment and the read would not lock: messages for one instance
            // would no longer be serialized.
            if (!RowLockInterceptor.IsRegisteredIn(dbContext))
                throw new InvalidOperationException(
                    $"{dbContext.GetType().Name} has no {nameof(RowLockInterceptor)}: register the saga repository with SetPostgresSagaRepositoryProvider");
            return EF.CompileAsyncQuery((DbContext db, Guid id) =>
                db.Set<TSaga>().TagWith(RowLockInterceptor.Tag).Where(x => x.CorrelationId == id));
        }
    }
}
