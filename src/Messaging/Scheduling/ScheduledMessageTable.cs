using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Credits.Messaging.Scheduling;

/// <summary>
/// The SQL of the scheduler, on whatever DbContext (and so whatever transaction) the caller holds: a schedule made
/// by a saga commits or rolls back with the saga's own changes. The table name comes from the EF model, never
/// from input; values are always parameters.
/// </summary>
static class ScheduledMessageTable
{
    public const string DefaultName = "scheduled_message";

    public static Task Upsert(DbContext dbContext, ScheduledMessageRecord row, CancellationToken cancellationToken)
    {
        var sql = $$"""
            INSERT INTO {{Name(dbContext)}} (token_id, due_time, destination_address, message_id, content_type, message_type, body, created_at)
            VALUES ({0}, {1}, {2}, {3}, {4}, {5}, {6}, now())
            ON CONFLICT (token_id) DO UPDATE SET due_time = excluded.due_time, destination_address = excluded.destination_address,
                message_id = excluded.message_id, content_type = excluded.content_type, message_type = excluded.message_type, body = excluded.body
            """;
        return dbContext.Database.ExecuteSqlRawAsync(sql,
            [row.TokenId, row.DueTime, row.DestinationAddress, row.MessageId, row.ContentType, row.MessageType, row.Body], cancellationToken);
    }

    public static Task Delete(DbContext dbContext, Guid tokenId, CancellationToken cancellationToken)
    {
        var sql = $"DELETE FROM {Name(dbContext)} WHERE token_id = {{0}}";
        return dbContext.Database.ExecuteSqlRawAsync(sql, [tokenId], cancellationToken);
    }

    public static Task DeleteAll(DbContext dbContext, Guid[] tokenIds, CancellationToken cancellationToken)
    {
        var sql = $"DELETE FROM {Name(dbContext)} WHERE token_id = ANY({{0}})";
        return dbContext.Database.ExecuteSqlRawAsync(sql, [tokenIds], cancellationToken);
    }

    /// <summary>Moves rows whose send failed to a later due time, behind the rows due now.</summary>
    public static Task Postpone(DbContext dbContext, Guid[] tokenIds, DateTime dueTime, CancellationToken cancellationToken)
    {
        var sql = $"UPDATE {Name(dbContext)} SET due_time = {{1}} WHERE token_id = ANY({{0}})";
        return dbContext.Database.ExecuteSqlRawAsync(sql, [tokenIds, dueTime], cancellationToken);
    }

    /// <summary>Due rows that no other instance is delivering; they stay locked until the caller's transaction ends.</summary>
    public static Task<List<ScheduledMessageRecord>> LockDue(DbContext dbContext, int batchSize, CancellationToken cancellationToken)
    {
        var sql = $"SELECT {MappedTable.Columns(Entity(dbContext))} FROM {Name(dbContext)} WHERE due_time <= now() ORDER BY due_time LIMIT {{0}} FOR UPDATE SKIP LOCKED";
        return dbContext.Set<ScheduledMessageRecord>().FromSqlRaw(sql, batchSize).AsNoTracking().ToListAsync(cancellationToken);
    }

    static string Name(DbContext dbContext) => MappedTable.Name(Entity(dbContext));

    static IEntityType Entity(DbContext dbContext) => dbContext.Model.FindEntityType(typeof(ScheduledMessageRecord))
        ?? throw new InvalidOperationException($"Call modelBuilder.AddScheduledMessages() in {dbContext.GetType().Name}.OnModelCreating");
}
