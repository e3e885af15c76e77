using System.Collections.Concurrent;
using Credits.Messaging.Commits;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Credits.Messaging.Sagas;

/// <summary>
/// Loads one saga instance for a message that will change it. Pessimistic mode locks the row with
/// <c>FOR UPDATE</c>, so a second message for the same instance waits in PostgreSQL until the first commits and
/// then reads its result (READ COMMITTED re-reads the locked row), which is what serializes them.
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

        // No LINQ operator after FromSql: EF must not wrap the statement in a sub-query.
        var rows = await dbContext.Set<TSaga>()
            .FromSqlRaw(LockStatement<TSaga>.For(dbContext), correlationId)
            .ToListAsync(cancellationToken);
        var instance = rows.SingleOrDefault();
        if (instance is not null)
            HeldRows.Hold(dbContext, instance);
        return instance;
    }

    static class LockStatement<TSaga>
        where TSaga : class, ISaga
    {
        // Per DbContext type: two contexts may map the same instance type to different tables.
        static readonly ConcurrentDictionary<Type, string> Statements = new();

        public static string For(DbContext dbContext) => Statements.GetOrAdd(dbContext.GetType(), _ => Build(dbContext));

        static string Build(DbContext dbContext)
        {
            var entityType = dbContext.Model.FindEntityType(typeof(TSaga))
                ?? throw new InvalidOperationException($"{typeof(TSaga).Name} is not mapped in {dbContext.GetType().Name}");
            var table = entityType.GetTableName()
                ?? throw new InvalidOperationException($"{typeof(TSaga).Name} is not mapped to a table");
            var schema = entityType.GetSchema();
            var store = StoreObjectIdentifier.Table(table, schema);
            var key = entityType.FindProperty(nameof(ISaga.CorrelationId))!.GetColumnName(store)!;
            return $"SELECT {MappedTable.Columns(entityType)} FROM {MappedTable.Name(entityType)} WHERE {MappedTable.Quote(key)} = {{0}} FOR UPDATE";
        }
    }
}
