using MassTransit;
using MassTransit.Context;
using MassTransit.Serialization;
using Microsoft.EntityFrameworkCore;

namespace Credits.Messaging.Outbox;

/// <summary>
/// Turns captured sends and publishes into outbox rows tracked by a DbContext, so they are saved by the
/// same SaveChanges and commit (or roll back) with the caller's other rows.
/// </summary>
/// <param name="relayGrace">
/// How long the relay leaves a new unit alone: zero when the relay delivers it, longer when the caller sends
/// the units itself after its commit (<see cref="CommittedUnits"/>).
/// </param>
sealed class OutboxWriter(DbContext dbContext, TimeSpan relayGrace, Guid? inboxMessageId = null, Guid? inboxConsumerId = null)
{
    readonly Lock _lock = new();
    readonly List<OutboxUnit> _units = [];
    OutboxUnit? _unit;

    /// <summary>True once a message has been captured: the caller should wake the relay after commit.</summary>
    public bool HasMessages => _units.Count > 0;

    /// <summary>
    /// Right after the commit: the units it saved, in order, with their messages, for the caller to send itself.
    /// A unit the consumer discarded (its DbContext cleared before the last save) was never written and is left out.
    /// </summary>
    public IReadOnlyList<OutboxUnit> CommittedUnits() =>
        _units.Count == 0 ? [] : _units.Where(unit => dbContext.Entry(unit.State).State == EntityState.Unchanged).ToList();

    public Task Add<T>(SendContext<T> context) where T : class
    {
        if (context.MessageId is not { } messageId)
            throw new MessageException(typeof(T), "The outbox needs a MessageId on every send.");

        var now = DateTime.UtcNow;
        var message = new OutboxMessage
        {
            MessageId = messageId,
            InboxMessageId = inboxMessageId,
            InboxConsumerId = inboxConsumerId,
            ConversationId = context.ConversationId,
            CorrelationId = context.CorrelationId,
            InitiatorId = context.InitiatorId,
            RequestId = context.RequestId,
            SourceAddress = context.SourceAddress,
            DestinationAddress = context.DestinationAddress,
            ResponseAddress = context.ResponseAddress,
            FaultAddress = context.FaultAddress,
            SentTime = context.SentTime ?? now,
            ExpirationTime = context.TimeToLive is { } ttl ? now + ttl : null,
            ContentType = (context.ContentType ?? context.Serialization.DefaultContentType).ToString(),
            MessageType = string.Join(";", context.SupportedMessageTypes),
            Body = context.Serializer.GetMessageBody(context).GetString(),
            Headers = SystemTextJsonMessageSerializer.Instance.SerializeDictionary(context.Headers.GetAll()),
        };
        if (context is TransportSendContext<T> transport)
        {
            var properties = new Dictionary<string, object>(StringComparer.OrdinalIgnoreCase);
            transport.WritePropertiesTo(properties);
            message.Properties = SystemTextJsonMessageSerializer.Instance.SerializeDictionary(properties);
        }

        // Publishes in one consumer may run in parallel; a DbContext is not thread-safe.
        lock (_lock)
        {
            var unit = CurrentUnit(now);
            message.OutboxId = unit.State.OutboxId;
            dbContext.Add(message);
            unit.Messages.Add(message);
        }
        return Task.CompletedTask;
    }

    /// <summary>
    /// The unit new messages join. A unit already saved (Unchanged) or discarded (Detached) may be in the
    /// relay's hands, so later messages start a new one instead of growing a unit under delivery.
    /// </summary>
    OutboxUnit CurrentUnit(DateTime now)
    {
        if (_unit is null || dbContext.Entry(_unit.State).State is EntityState.Unchanged or EntityState.Detached)
        {
            var state = new OutboxState { OutboxId = NewId.NextGuid(), Created = now, RelayAfter = now + relayGrace };
            dbContext.Add(state);
            _unit = new OutboxUnit(state, []);
            _units.Add(_unit);
        }
        return _unit;
    }
}
