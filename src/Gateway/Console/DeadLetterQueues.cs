using System.Text;
using System.Text.Json;
using Credits.ServiceDefaults;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Credits.Gateway.Console;

/// <summary>
/// Reads the usage error queues without consuming them: each message is fetched unacknowledged and the
/// channel is closed without acknowledging, so RabbitMQ requeues every one in its place. The only trace a
/// look leaves is the messages' redelivered flag. The reason is MassTransit's MT-Fault-Message header (set for
/// rejected usage by the Orchestrator's DeadLetters, and for faults by MassTransit).
/// </summary>
public sealed class DeadLetterQueues(IOptions<RabbitMqOptions> rabbit, IOptions<ConsoleOptions> options, ILogger<DeadLetterQueues> logger)
{
    public async Task<DeadLetterReport> PeekAsync(CancellationToken ct)
    {
        try
        {
            await using var connection = await rabbit.Value.OpenAsync("credits-gateway-console", ct);
            var queues = new List<DeadLetterQueueReport>();
            foreach (var queue in options.Value.DeadLetterQueues)
                queues.Add(await PeekQueueAsync(connection, queue, ct));
            return new DeadLetterReport(queues);
        }
        catch (BrokerUnreachableException e)
        {
            logger.LogWarning(e, "The console could not reach RabbitMQ to read the dead letters");
            return new DeadLetterReport(options.Value.DeadLetterQueues
                .Select(q => new DeadLetterQueueReport(q, null, [], "RabbitMQ could not be reached.")).ToList());
        }
    }

    async Task<DeadLetterQueueReport> PeekQueueAsync(IConnection connection, string queue, CancellationToken ct)
    {
        // One channel per queue: a missing queue closes the channel it was asked on.
        await using var channel = await connection.CreateChannelAsync(cancellationToken: ct);
        uint depth;
        try
        {
            depth = (await channel.QueueDeclarePassiveAsync(queue, ct)).MessageCount;
        }
        catch (OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == 404)
        {
            return new DeadLetterQueueReport(queue, 0, [], null); // never created: nothing was ever dead-lettered there
        }
        var messages = new List<DeadLetter>();
        while (messages.Count < Math.Min(depth, (uint)options.Value.DeadLetterPeekLimit)
               && await channel.BasicGetAsync(queue, autoAck: false, ct) is { } got)
            messages.Add(Read(queue, got));
        await channel.CloseAsync(ct); // unacknowledged: all requeued in order
        return new DeadLetterQueueReport(queue, depth, messages, null);
    }

    /// <summary>One message as the console shows it (also what a redrive records of what it moved).</summary>
    internal static DeadLetter Read(string queue, BasicGetResult got)
    {
        var headers = got.BasicProperties.Headers ?? new Dictionary<string, object?>();
        var body = Encoding.UTF8.GetString(got.Body.Span);
        string? messageId = got.BasicProperties.MessageId, messageType = null, sentTime = null;
        var usage = new List<DeadLetterUsage>();
        try
        {
            using var json = JsonDocument.Parse(body);
            var root = json.RootElement;
            if (root.TryGetProperty("messageId", out var id)) messageId = id.GetString();
            if (root.TryGetProperty("sentTime", out var sent)) sentTime = sent.GetString();
            if (root.TryGetProperty("messageType", out var types) && types.ValueKind == JsonValueKind.Array && types.GetArrayLength() > 0)
                messageType = types[0].GetString()?.Replace("urn:message:", "");
            if (root.TryGetProperty("message", out var message))
            {
                if (message.TryGetProperty("events", out var events) && events.ValueKind == JsonValueKind.Array)
                    usage.AddRange(events.EnumerateArray().Select(Usage));
                else if (message.TryGetProperty("eventId", out _))
                    usage.Add(Usage(message));
            }
        }
        catch (JsonException) { } // not a MassTransit envelope: shown raw

        return new DeadLetter(queue, messageId, messageType, Header(headers, "MT-Fault-Message"), Header(headers, "MT-Reason"),
            Header(headers, "MT-Fault-ExceptionType"),
            // Faults carry their time; rejected usage was sent to the error queue when it was rejected.
            DateTimeOffset.TryParse(Header(headers, "MT-Fault-Timestamp") ?? sentTime, out var at) ? at : null,
            usage, body.Length > 4000 ? body[..4000] + "…" : body);
    }

    static DeadLetterUsage Usage(JsonElement e) => new(
        e.TryGetProperty("eventId", out var id) ? id.ToString() : null,
        e.TryGetProperty("customerId", out var customer) ? customer.ToString() : null,
        e.TryGetProperty("credits", out var credits) && credits.TryGetInt64(out var n) ? n : null);

    static string? Header(IDictionary<string, object?> headers, string name) => headers.TryGetValue(name, out var value) ? value switch
    {
        byte[] bytes => Encoding.UTF8.GetString(bytes),
        null => null,
        _ => value.ToString(),
    } : null;
}
