using System.Text;
using System.Text.Json;
using Credits.Testing;
using RabbitMQ.Client;

namespace Credits.IntegrationTests.Hardening;

/// <summary>
/// What a buggy producer does: raw bytes published straight to a message type's exchange, in MassTransit's envelope or
/// not at all, with no serializer in between to keep them well-formed. And where such a message ends: the consumer's
/// _error queue, read through the management API without consuming it.
/// </summary>
public sealed class RawBus(RabbitMqVirtualHost virtualHost) : IAsyncDisposable
{
    public const string ContentType = "application/vnd.masstransit+json";

    readonly SemaphoreSlim _gate = new(1, 1), _peek = new(1, 1);
    IConnection? _connection;
    IChannel? _channel;

    /// <summary>MassTransit's exchange (and urn) name of a message type: "Namespace:Name".</summary>
    public static string Exchange<T>() => $"{typeof(T).Namespace}:{typeof(T).Name}";

    /// <summary>A MassTransit envelope around <paramref name="messageJson"/> (any JSON text, well-formed or not).</summary>
    public static string Envelope<T>(Guid messageId, string messageJson) => Envelope<T>(messageId.ToString(), messageJson);

    /// <summary>The same; a null <paramref name="messageId"/> leaves the envelope without one.</summary>
    public static string Envelope<T>(string? messageId, string messageJson)
    {
        var id = messageId is null ? "" : $"\"messageId\":\"{messageId}\",";
        return $$"""{{{id}}"messageType":["urn:message:{{Exchange<T>()}}"],"message":{{messageJson}},"sentTime":"{{DateTime.UtcNow:O}}"}""";
    }

    /// <summary>Publishes <paramref name="body"/> as it is; a null <paramref name="messageId"/> sends no transport message id.</summary>
    public async Task PublishAsync(string exchange, Guid? messageId, string body)
    {
        await _gate.WaitAsync();
        try
        {
            if (_channel is null)
            {
                _connection = await new ConnectionFactory { Uri = virtualHost.Uri }.CreateConnectionAsync();
                _channel = await _connection.CreateChannelAsync();
            }
            var properties = new BasicProperties { MessageId = messageId?.ToString(), ContentType = ContentType, Persistent = true };
            await _channel.BasicPublishAsync(exchange, "", false, properties, Encoding.UTF8.GetBytes(body));
        }
        finally { _gate.Release(); }
    }

    /// <summary>
    /// The dead letter of a message: in <paramref name="queue"/>, with the transport message id
    /// <paramref name="messageId"/> (a message MassTransit moved there) or whose body holds <paramref name="marker"/>
    /// or the id (one Credits sent there on its own, such as a rejected usage event). Null while there is none.
    /// </summary>
    public async Task<DeadLetter?> FindDeadLetterAsync(string queue, Guid messageId, string marker) =>
        (await FindDeadLettersAsync(queue, messageId, marker)).FirstOrDefault();

    public async Task<IReadOnlyList<DeadLetter>> FindDeadLettersAsync(string queue, Guid messageId, string marker)
    {
        var found = new List<DeadLetter>();
        // One look at a time: a message another look holds (until it requeues it) would seem to be missing.
        await _peek.WaitAsync();
        IReadOnlyList<JsonElement> messages;
        try { messages = await virtualHost.PeekAsync(queue); }
        finally { _peek.Release(); }
        foreach (var message in messages)
        {
            var properties = message.GetProperty("properties");
            var id = properties.TryGetProperty("message_id", out var m) ? m.GetString() : null;
            var payload = message.GetProperty("payload").GetString() ?? "";
            if (message.GetProperty("payload_encoding").GetString() == "base64")
                payload = Encoding.UTF8.GetString(Convert.FromBase64String(payload));
            if (id != messageId.ToString() && !payload.Contains(marker) && !payload.Contains(messageId.ToString())) continue;
            var headers = properties.TryGetProperty("headers", out var h) ? h : default;
            found.Add(new DeadLetter(Header(headers, "MT-Reason"), Header(headers, "MT-Fault-Message"), payload,
                Header(headers, "MT-Fault-ExceptionType")));
        }
        return found;
    }

    static string? Header(JsonElement headers, string name) =>
        headers.ValueKind == JsonValueKind.Object && headers.TryGetProperty(name, out var value) ? value.ToString() : null;

    public async ValueTask DisposeAsync()
    {
        if (_channel is not null) await _channel.DisposeAsync();
        if (_connection is not null) await _connection.DisposeAsync();
    }
}

/// <summary>A message in an _error queue: MassTransit's MT-Reason ("fault", or "rejected" by Credits), MT-Fault-Message (why) and MT-Fault-ExceptionType.</summary>
public sealed record DeadLetter(string? Kind, string? Reason, string Body, string? ExceptionType)
{
    public override string ToString() => $"{Kind} {ExceptionType}: {Reason}";
}
