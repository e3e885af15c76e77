using System.Net.Mime;
using MassTransit;
using MassTransit.Serialization;

namespace Credits.Messaging.Scheduling;

/// <summary>
/// Sends a stored envelope as it was serialized at schedule time: same message id, headers and addresses, the
/// body copied by the deserializer of its content type rather than built from a message object.
/// </summary>
sealed class ScheduledMessageSendPipe(ScheduledMessageRecord row) : IPipe<SendContext>
{
    public Task Send(SendContext context)
    {
        var deserializer = context.Serialization.GetMessageDeserializer(new ContentType(row.ContentType));
        var body = deserializer.GetMessageBody(row.Body);
        var envelope = deserializer.Deserialize(body, EmptyHeaders.Instance, new Uri(row.DestinationAddress));

        context.MessageId = row.MessageId;
        context.RequestId = envelope.RequestId;
        context.CorrelationId = envelope.CorrelationId;
        context.ConversationId = envelope.ConversationId;
        context.InitiatorId = envelope.InitiatorId;
        context.SourceAddress = envelope.SourceAddress;
        context.ResponseAddress = envelope.ResponseAddress;
        context.FaultAddress = envelope.FaultAddress;
        context.SupportedMessageTypes = envelope.SupportedMessageTypes;
        foreach (var header in envelope.Headers.GetAll())
            context.Headers.Set(header.Key, header.Value);
        context.Serializer = envelope.GetMessageSerializer();
        return Task.CompletedTask;
    }

    public void Probe(ProbeContext context) => context.CreateScope("scheduledMessage");
}
