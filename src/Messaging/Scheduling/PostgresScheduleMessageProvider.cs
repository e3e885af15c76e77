using MassTransit;
using MassTransit.Context;
using MassTransit.Scheduling;
using MassTransit.Serialization;
using Microsoft.EntityFrameworkCore;

namespace Credits.Messaging.Scheduling;

/// <summary>
/// MassTransit's scheduler back end, on PostgreSQL: a scheduled send becomes a row holding the message's serialized
/// envelope (with the <c>MT-Scheduling-TokenId</c> header a saga's schedule checks on arrival); a cancel deletes
/// the row. <paramref name="useDbContext"/> supplies the DbContext, so a saga's schedule shares its transaction.
/// </summary>
sealed class PostgresScheduleMessageProvider(Func<Func<DbContext, Task>, Task> useDbContext, ConsumeContext? consumeContext)
    : IScheduleMessageProvider
{
    public async Task<ScheduledMessage<T>> ScheduleSend<T>(Uri destinationAddress, DateTime scheduledTime, T message,
        IPipe<SendContext<T>> pipe, CancellationToken cancellationToken)
        where T : class
    {
        var tokenId = ScheduleTokenIdCache<T>.GetTokenId(message, NewId.NextGuid());
        var dueTime = AsUtc(scheduledTime);

        var send = new MessageSendContext<T>(message, cancellationToken)
        {
            DestinationAddress = destinationAddress,
            ScheduledMessageId = tokenId,
            Serializer = SystemTextJsonMessageSerializer.Instance,
        };
        if (consumeContext is not null)
        {
            // What a send from the consume context would carry, so the delivered message continues the conversation.
            send.SourceAddress = consumeContext.ReceiveContext.InputAddress;
            send.ConversationId = consumeContext.ConversationId;
            send.InitiatorId = consumeContext.CorrelationId ?? consumeContext.MessageId;
        }

        if (pipe.IsNotEmpty())
            await pipe.Send(send);
        send.Headers.Set(MessageHeaders.SchedulingTokenId, tokenId);

        var row = new ScheduledMessageRecord
        {
            TokenId = tokenId,
            DueTime = dueTime,
            DestinationAddress = destinationAddress.ToString(),
            MessageId = send.MessageId ?? NewId.NextGuid(),
            ContentType = send.Serializer.ContentType.ToString(),
            MessageType = string.Join(';', send.SupportedMessageTypes),
            Body = send.Body.GetString(),
        };
        await useDbContext(db => ScheduledMessageTable.Upsert(db, row, cancellationToken));

        return new Handle<T>(tokenId, dueTime, destinationAddress, message);
    }

    public Task CancelScheduledSend(Guid tokenId, CancellationToken cancellationToken) =>
        useDbContext(db => ScheduledMessageTable.Delete(db, tokenId, cancellationToken));

    public Task CancelScheduledSend(Uri destinationAddress, Guid tokenId, CancellationToken cancellationToken) =>
        CancelScheduledSend(tokenId, cancellationToken);

    static DateTime AsUtc(DateTime time) => time.Kind switch
    {
        DateTimeKind.Utc => time,
        DateTimeKind.Local => time.ToUniversalTime(),
        _ => DateTime.SpecifyKind(time, DateTimeKind.Utc), // MassTransit computes scheduled times in UTC
    };

    sealed record Handle<T>(Guid TokenId, DateTime ScheduledTime, Uri Destination, T Payload) : ScheduledMessage<T>
        where T : class;
}
