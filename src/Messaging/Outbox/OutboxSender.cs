using MassTransit;
using MassTransit.Middleware;
using MassTransit.Serialization;
using Microsoft.Extensions.Logging;

namespace Credits.Messaging.Outbox;

/// <summary>
/// Puts one outbox unit's messages on the wire, in sequence order, with publisher confirms: the one way the relay
/// and the after-commit delivery send, so a message leaves the same way whoever sends it.
/// </summary>
public sealed class OutboxSender(IBus bus, PostgresOutboxOptions options, ILogger<OutboxSender> logger)
{
    /// <summary>
    /// Sends the unit's messages one after another and stops at the first failure, so order is kept.
    /// Returns how many of them, from the first, the broker confirmed (or were dropped for having no destination).
    /// </summary>
    public async Task<int> SendInOrder(IReadOnlyList<OutboxMessage> unit, CancellationToken cancellationToken)
    {
        var done = 0;
        foreach (var message in unit)
        {
            if (message.DestinationAddress is null)
            {
                logger.LogWarning("Outbox message {MessageId} has no destination address; dropped", message.MessageId);
                done++;
                continue;
            }
            try
            {
                message.Deserialize(SystemTextJsonMessageSerializer.Instance);
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(options.MessageDeliveryTimeout);
                var endpoint = await bus.GetSendEndpoint(message.DestinationAddress);
                await endpoint.Send(new SerializedMessageBody(), new OutboxMessageSendPipe(message, message.DestinationAddress), timeout.Token);
                done++;
            }
            catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
            {
                logger.LogWarning(exception, "Outbox send of {MessageId} to {Destination} failed; its unit is relayed later",
                    message.MessageId, message.DestinationAddress);
                break;
            }
        }
        return done;
    }
}
