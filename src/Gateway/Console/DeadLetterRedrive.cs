using System.Text.Json;
using Credits.ServiceDefaults;
using MassTransit;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Credits.Gateway.Console;

/// <summary>
/// Moves dead letters from an error queue back to the queue they failed on, body and headers as they were (less the
/// fault's headers). Each message is taken with basic.get (unacknowledged), published to its queue, and acknowledged in
/// the error queue only after RabbitMQ confirmed the publish (publisher confirms). So a crash between the two leaves the
/// message in both places, a duplicate the consumers absorb (usage by event id, steps by their idempotency keys), and
/// never loses one; and with several Gateways each message is moved by the one that got it (a message held
/// unacknowledged by one channel is not delivered to another). Messages that fail again return to the error queue.
/// </summary>
public sealed class DeadLetterRedrive(IOptions<RabbitMqOptions> rabbit, ILogger<DeadLetterRedrive> logger)
{
    const string ErrorSuffix = "_error";

    /// <summary>
    /// Moves the message <paramref name="messageId"/> (as the console shows it), or every message when null. At most the
    /// messages in the queue when it starts: the ones that fail again meanwhile are not moved a second time.
    /// </summary>
    public async Task<RedriveOutcome> MoveAsync(string errorQueue, string? messageId, CancellationToken ct)
    {
        await using var connection = await rabbit.Value.OpenAsync("credits-gateway-redrive", ct);
        // Confirms tracked by the client: BasicPublishAsync returns once the broker confirmed, and throws on a nack or,
        // with mandatory, on a return (no such queue).
        await using var channel = await connection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), ct);

        uint depth;
        try
        {
            depth = (await channel.QueueDeclarePassiveAsync(errorQueue, ct)).MessageCount;
        }
        catch (OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == 404)
        {
            return new RedriveOutcome([], null); // never created: nothing was ever dead-lettered there
        }

        var moved = new List<RedrivenMessage>();
        string? problem = null;
        for (var i = 0; i < depth; i++)
        {
            if (await channel.BasicGetAsync(errorQueue, autoAck: false, ct) is not { } got) break;
            var letter = DeadLetterQueues.Read(errorQueue, got);
            if (messageId is not null && letter.MessageId != messageId) continue; // not this one: requeued when the channel closes

            var target = TargetQueue(errorQueue, got.BasicProperties.Headers);
            if (target is null)
            {
                problem = $"message {letter.MessageId} names no queue to return to (no {MessageHeaders.FaultInputAddress} header, and the queue is not named *{ErrorSuffix})";
                if (messageId is not null) break;
                continue;
            }
            try
            {
                await channel.BasicPublishAsync("", target, mandatory: true, Redriven(got.BasicProperties), got.Body.ToArray(), ct);
            }
            catch (RabbitMQ.Client.Exceptions.PublishException e)
            {
                // Not confirmed: the message stays in the error queue (unacknowledged, requeued on close). Stop: the next
                // would most likely fail the same way.
                problem = e.IsReturn ? $"queue '{target}' does not exist" : $"RabbitMQ did not confirm the publish to '{target}'";
                logger.LogWarning(e, "Redrive of {MessageId} from {Queue} to {Target} not confirmed", letter.MessageId, errorQueue, target);
                break;
            }
            await channel.BasicAckAsync(got.DeliveryTag, multiple: false, ct);
            moved.Add(new RedrivenMessage(letter.MessageId, letter.MessageType, target, letter.Reason, letter.Usage, Content(letter.Body)));
            if (messageId is not null) break;
        }
        await channel.CloseAsync(ct); // everything not acknowledged goes back in its place
        return new RedriveOutcome(moved, problem);
    }

    /// <summary>The envelope's message (a step's command with its ids), kept short: the log's record of what was moved.</summary>
    static string? Content(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            if (!json.RootElement.TryGetProperty("message", out var message)) return null;
            var text = message.GetRawText();
            return text.Length > 1000 ? text[..1000] + "…" : text;
        }
        catch (JsonException) { return null; } // not a MassTransit envelope, or cut short for display
    }

    /// <summary>MassTransit's MT-Fault-InputAddress (the endpoint that faulted), else the error queue's name without "_error".</summary>
    static string? TargetQueue(string errorQueue, IDictionary<string, object?>? headers)
    {
        if (headers?.TryGetValue(MessageHeaders.FaultInputAddress, out var value) == true && value is byte[] bytes
            && Uri.TryCreate(System.Text.Encoding.UTF8.GetString(bytes), UriKind.Absolute, out var input)
            && input.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() is { Length: > 0 } name)
            return Uri.UnescapeDataString(name);
        return errorQueue.EndsWith(ErrorSuffix, StringComparison.Ordinal) && errorQueue.Length > ErrorSuffix.Length
            ? errorQueue[..^ErrorSuffix.Length]
            : null;
    }

    /// <summary>
    /// The message's properties as they were, without what the failure added: MassTransit's fault headers (MT-Fault-*,
    /// MT-Reason, MT-Host-*) and the scheduled redelivery count, so a redriven step gets its whole redelivery schedule again.
    /// </summary>
    static BasicProperties Redriven(IReadOnlyBasicProperties original)
    {
        var properties = new BasicProperties(original);
        if (original.Headers is { } headers)
            properties.Headers = headers
                .Where(h => !h.Key.StartsWith("MT-Fault-", StringComparison.OrdinalIgnoreCase)
                    && !h.Key.StartsWith("MT-Host-", StringComparison.OrdinalIgnoreCase)
                    && !string.Equals(h.Key, MessageHeaders.Reason, StringComparison.OrdinalIgnoreCase)
                    && !string.Equals(h.Key, MessageHeaders.RedeliveryCount, StringComparison.OrdinalIgnoreCase))
                .ToDictionary(h => h.Key, h => h.Value);
        return properties;
    }
}

/// <summary>What a redrive moved, and why it stopped early if it did.</summary>
public sealed record RedriveOutcome(IReadOnlyList<RedrivenMessage> Moved, string? Problem);

/// <summary>One message moved back: its id, type, the queue it went to, why it had failed, the usage in it, and its content (JSON, cut at 1,000 characters).</summary>
public sealed record RedrivenMessage(string? MessageId, string? MessageType, string Queue, string? Reason, IReadOnlyList<DeadLetterUsage> Usage,
    string? Content);
