using System.Data.Common;
using System.Text;
using MassTransit;
using Npgsql;
using NpgsqlTypes;

namespace Credits.Messaging.Outbox;

/// <summary>
/// What a consumed message leaves in PostgreSQL besides the consumer's own rows: its outgoing messages as one outbox
/// unit and, for consumers that claim it on commit, its inbox row. Kept in memory while the consumer runs and written
/// by hand, as plain <c>INSERT</c>s at the end of the last save's last batch, just before its <c>COMMIT</c>
/// (<see cref="LastSave.SaveAndCommitAsync"/>).
/// </summary>
/// <remarks>
/// Why not Entity Framework entities: tracking, snapshotting and saving the inbox row and the two outbox rows per
/// message cost the outbox path 6 to 19 % more CPU per message than these statements (docs/BENCHMARKS.md, "Issue 16,
/// twenty-third session"). The rows still commit or roll back with the consumer's: they ride in the same transaction's
/// last round trip. A consumer that saves earlier in the transaction does not write them early; they
/// are written once, by the last save.
/// </remarks>
sealed class OutboxRows(OutboxTables tables, TimeSpan relayGrace, Guid inboxMessageId, Guid consumerId)
{
    /// <summary>Placeholders that cannot meet Entity Framework's own (<c>@p0</c>, ...) in the batch they join.</summary>
    const string ParameterPrefix = "outbox_";

    readonly Lock _lock = new();
    OutboxUnit? _unit;
    bool _claimInbox;

    /// <summary>True while there is something to write and it has not been written.</summary>
    public bool Pending => !Written && (_unit is not null || _claimInbox);

    /// <summary>True once the statements ran in the transaction: they commit with it.</summary>
    public bool Written { get; private set; }

    /// <summary>The outgoing messages, as one unit, once written: for the caller to send right after the commit.</summary>
    public IReadOnlyList<OutboxUnit> WrittenUnits => Written && _unit is not null ? [_unit] : [];

    /// <summary>Inserts the inbox row with the others: a concurrent or earlier commit of the same message makes it fail, and the attempt with it.</summary>
    public void ClaimInbox() => _claimInbox = true;

    public Task Add<T>(SendContext<T> context) where T : class
    {
        var now = DateTime.UtcNow;
        var message = OutboxMessage.From(context, now, inboxMessageId, consumerId);

        // Publishes in one consumer may run in parallel.
        lock (_lock)
        {
            _unit ??= new OutboxUnit(new OutboxState { OutboxId = NewId.NextGuid(), Created = now, RelayAfter = now + relayGrace }, []);
            message.OutboxId = _unit.State.OutboxId;
            _unit.Messages.Add(message);
        }
        return Task.CompletedTask;
    }

    /// <summary>
    /// Appends the <c>INSERT</c>s to <paramref name="sql"/>, one statement per line, their parameters to
    /// <paramref name="parameters"/> (new ones on every call: a parameter belongs to one command).
    /// </summary>
    public void AppendTo(StringBuilder sql, Action<DbParameter> parameters)
    {
        var next = 0;
        // A span, not an array: no allocation per statement on the path every consumed message takes.
        void Insert(string table, string columns, params ReadOnlySpan<NpgsqlParameter> values)
        {
            sql.Append("INSERT INTO ").Append(table).Append(" (").Append(columns).Append(") VALUES (");
            for (var i = 0; i < values.Length; i++)
            {
                values[i].ParameterName = ParameterPrefix + next++;
                parameters(values[i]);
                sql.Append(i == 0 ? "@" : ", @").Append(values[i].ParameterName);
            }
            sql.AppendLine(");");
        }

        if (_claimInbox)
            Insert(tables.Inbox, "message_id, consumer_id, received, receive_count",
                Uuid(inboxMessageId), Uuid(consumerId), Time(DateTime.UtcNow), Of(NpgsqlDbType.Integer, 1));

        if (_unit is not { State: var state, Messages: var messages })
            return;
        Insert(tables.State, "outbox_id, created, relay_after", Uuid(state.OutboxId), Time(state.Created), Time(state.RelayAfter));
        // One statement per message, in the order they were captured: the identity numbers them in that order.
        foreach (var m in messages)
            Insert(tables.Message, MessageColumns,
                Uuid(m.OutboxId), Uuid(m.InboxMessageId), Uuid(m.InboxConsumerId), Uuid(m.MessageId),
                Text(m.ContentType), Text(m.MessageType), Text(m.Body), Json(m.Headers), Json(m.Properties),
                Uuid(m.ConversationId), Uuid(m.CorrelationId), Uuid(m.InitiatorId), Uuid(m.RequestId),
                Text(m.SourceAddress?.ToString()), Text(m.DestinationAddress?.ToString()),
                Text(m.ResponseAddress?.ToString()), Text(m.FaultAddress?.ToString()),
                Time(m.SentTime), Time(m.ExpirationTime));
    }

    /// <summary>Called once the statements have run without error in the transaction.</summary>
    public void MarkWritten() => Written = true;

    const string MessageColumns = "outbox_id, inbox_message_id, inbox_consumer_id, message_id, content_type, message_type, body, "
        + "headers, properties, conversation_id, correlation_id, initiator_id, request_id, source_address, destination_address, "
        + "response_address, fault_address, sent_time, expiration_time";

    static NpgsqlParameter Uuid(Guid? value) => Of(NpgsqlDbType.Uuid, value);
    static NpgsqlParameter Text(string? value) => Of(NpgsqlDbType.Text, value);
    static NpgsqlParameter Json(string? value) => Of(NpgsqlDbType.Jsonb, value);
    static NpgsqlParameter Time(DateTime? value) => Of(NpgsqlDbType.TimestampTz, value);
    static NpgsqlParameter Of(NpgsqlDbType type, object? value) => new() { NpgsqlDbType = type, Value = value ?? DBNull.Value };
}
