using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Credits.Messaging.Outbox;

/// <summary>
/// Quoted, schema-qualified names of the outbox tables as mapped in a DbContext, for the few statements
/// EF cannot express (ON CONFLICT, FOR UPDATE SKIP LOCKED).
/// </summary>
sealed record OutboxTables(string Inbox, string State, string Message)
{
    /// <summary>
    /// Inserts the inbox row or counts a duplicate; returns the receive count (1 = first consumption).
    /// Positional parameters for a plain NpgsqlCommand: $1 message id, $2 consumer id, $3 received.
    /// </summary>
    public string ClaimInbox { get; } = $$"""
        INSERT INTO {{Inbox}} (message_id, consumer_id, received, receive_count) VALUES ($1, $2, $3, 1)
        ON CONFLICT (message_id, consumer_id) DO UPDATE SET receive_count = {{Inbox}}.receive_count + 1
        RETURNING receive_count
        """;

    /// <summary>
    /// Counts a redelivery on the row of a message consumed before; no row, no change. For EF's raw SQL:
    /// {0} message id, {1} consumer id.
    /// </summary>
    public string CountRedelivery { get; } = $$"""
        UPDATE {{Inbox}} SET receive_count = receive_count + 1 WHERE message_id = {0} AND consumer_id = {1}
        """;

    /// <summary>Locks the oldest due outbox units no other relay holds. For EF's raw SQL: {0} the limit, {1} now.</summary>
    public string LockUnits { get; } = $$"""
        SELECT outbox_id AS "Value" FROM {{State}} WHERE relay_after <= {1} ORDER BY relay_after LIMIT {0} FOR UPDATE SKIP LOCKED
        """;

    /// <summary>Deletes units sent right after their commit, messages first. Positional for an NpgsqlBatch: $1 the outbox ids.</summary>
    public string DeleteUnitMessages { get; } = $$"""
        DELETE FROM {{Message}} WHERE outbox_id = ANY($1)
        """;

    /// <inheritdoc cref="DeleteUnitMessages"/>
    public string DeleteUnitStates { get; } = $$"""
        DELETE FROM {{State}} WHERE outbox_id = ANY($1)
        """;

    static readonly ConditionalWeakTable<IModel, OutboxTables> ByModel = new();

    /// <summary>Resolved once per model: this runs for every consumed message.</summary>
    public static OutboxTables Of(DbContext dbContext) =>
        ByModel.GetValue(dbContext.Model, _ => new OutboxTables(
            Name<InboxState>(dbContext), Name<OutboxState>(dbContext), Name<OutboxMessage>(dbContext)));

    static string Name<T>(DbContext dbContext)
    {
        var entity = dbContext.Model.FindEntityType(typeof(T))
            ?? throw new InvalidOperationException($"{typeof(T).Name} is not mapped in {dbContext.GetType().Name}: call modelBuilder.AddTransactionalOutbox() in OnModelCreating.");
        return MappedTable.Name(entity);
    }
}
