using MassTransit;
using MassTransit.Context;
using MassTransit.Metadata;
using MassTransit.Middleware;
using MassTransit.Serialization;

namespace Credits.Messaging.Outbox;

/// <summary>
/// A serialized send or publish waiting for the relay. Implements MassTransit's
/// <see cref="OutboxMessageContext"/> so <see cref="OutboxMessageSendPipe"/> can put it on the wire unchanged
/// (same MessageId, headers, addresses and body as when it was captured).
/// </summary>
public sealed class OutboxMessage : OutboxMessageContext
{
    Headers? _headers;
    IReadOnlyDictionary<string, object>? _properties;

    /// <summary>Database-assigned, increasing: the delivery order within an outbox.</summary>
    public long SequenceNumber { get; set; }

    public Guid OutboxId { get; set; }

    /// <summary>For messages produced by a consumer: the consumed message and consumer (diagnostics only).</summary>
    public Guid? InboxMessageId { get; set; }
    public Guid? InboxConsumerId { get; set; }

    public Guid MessageId { get; set; }
    public string ContentType { get; set; } = null!;
    public string MessageType { get; set; } = null!;
    public string Body { get; set; } = null!;

    /// <summary>Serialized header dictionary (jsonb).</summary>
    public string? Headers { get; set; }

    /// <summary>Serialized transport properties such as the RabbitMQ routing key (jsonb).</summary>
    public string? Properties { get; set; }

    public Guid? ConversationId { get; set; }
    public Guid? CorrelationId { get; set; }
    public Guid? InitiatorId { get; set; }
    public Guid? RequestId { get; set; }
    public Uri? SourceAddress { get; set; }
    public Uri? DestinationAddress { get; set; }
    public Uri? ResponseAddress { get; set; }
    public Uri? FaultAddress { get; set; }
    public DateTime SentTime { get; set; }
    public DateTime? ExpirationTime { get; set; }

    Guid? MessageContext.MessageId => MessageId;
    DateTime? MessageContext.SentTime => SentTime;
    Headers MessageContext.Headers => _headers ?? EmptyHeaders.Instance;
    HostInfo MessageContext.Host => HostMetadataCache.Host;
    IReadOnlyDictionary<string, object> OutboxMessageContext.Properties => _properties ?? NoProperties;

    static readonly IReadOnlyDictionary<string, object> NoProperties = new Dictionary<string, object>();

    /// <summary>
    /// A captured send or publish as its outbox row: addresses, ids, the serialized body, headers and transport properties,
    /// as the wire will carry them. Both ways of writing the rows (<see cref="OutboxWriter"/>, <see cref="OutboxRows"/>) start here.
    /// </summary>
    public static OutboxMessage From<T>(SendContext<T> context, DateTime now, Guid? inboxMessageId = null, Guid? inboxConsumerId = null)
        where T : class
    {
        if (context.MessageId is not { } messageId)
            throw new MessageException(typeof(T), "The outbox needs a MessageId on every send.");

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
        return message;
    }

    /// <summary>Turns the stored header and property JSON back into the dictionaries the send pipe reads.</summary>
    public void Deserialize(IObjectDeserializer deserializer)
    {
        var headers = deserializer.DeserializeDictionary<object?>(Headers);
        _headers = headers is null ? EmptyHeaders.Instance : new DictionarySendHeaders(headers!);
        _properties = deserializer.DeserializeDictionary<object>(Properties);
    }
}
