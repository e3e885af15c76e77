using System.Text;
using System.Text.Json;
using Credits.Messaging.Outbox;
using Credits.Messaging.TestHost;
using Credits.Testing;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace Credits.Messaging.Tests.Outbox;

/// <summary>
/// What the outbox puts on the wire is what it captured: the stored envelope byte for byte, and the captured ids,
/// headers and transport properties on the broker's message. MassTransit's send pipe parses the envelope and serializes
/// it again on the way out; this is what a cheaper pipe sending the stored bytes would have to keep (docs/BENCHMARKS.md,
/// thirty-fifth session).
/// </summary>
public class When_an_outbox_message_is_sent(OutboxInfrastructure infrastructure) : IClassFixture<OutboxInfrastructure>
{
    const string Queue = "outbox-wire";

    [Fact]
    public async Task Should_carry_the_captured_envelope_and_headers_unchanged()
    {
        using var host = infrastructure.BuildWriterHost();
        await host.StartAsync();
        var probeId = Guid.NewGuid();
        var correlationId = Guid.NewGuid();

        await using (var scope = host.Services.CreateAsyncScope())
        {
            var endpoint = await scope.ServiceProvider.GetRequiredService<ISendEndpointProvider>().GetSendEndpoint(new Uri($"queue:{Queue}"));
            await endpoint.Send(new ProbeRecorded { ProbeId = probeId }, context =>
            {
                context.CorrelationId = correlationId;
                context.Headers.Set("X-Probe", "captured");
            });
            await scope.ServiceProvider.GetRequiredService<OutboxTestDbContext>().SaveChangesAsync();
        }

        List<OutboxMessage> stored;
        await using (var scope = host.Services.CreateAsyncScope())
            stored = await scope.ServiceProvider.GetRequiredService<OutboxTestDbContext>().Set<OutboxMessage>().AsNoTracking().ToListAsync();
        var message = Assert.Single(stored);
        Assert.Contains(probeId.ToString(), message.Body);

        // What the relay and the after-commit delivery both do with a unit (neither runs in this host).
        var sender = new OutboxSender(host.Services.GetRequiredService<IBus>(), new PostgresOutboxOptions(), NullLogger<OutboxSender>.Instance);
        Assert.Equal(1, await sender.SendInOrder(stored, CancellationToken.None));

        JsonElement onTheWire = default;
        await Eventually.True(async () =>
        {
            var peeked = await infrastructure.VirtualHost.PeekAsync(Queue);
            if (peeked.Count == 0) return false;
            onTheWire = Assert.Single(peeked);
            return true;
        }, because: "the sender put the message on its queue");

        var payload = onTheWire.GetProperty("payload").GetString()!;
        if (onTheWire.GetProperty("payload_encoding").GetString() == "base64")
            payload = Encoding.UTF8.GetString(Convert.FromBase64String(payload));
        Assert.Equal(message.Body, payload);

        var properties = onTheWire.GetProperty("properties");
        Assert.Equal(message.MessageId.ToString(), properties.GetProperty("message_id").GetString());
        Assert.Equal(correlationId.ToString(), properties.GetProperty("correlation_id").GetString());
        Assert.Equal(message.ContentType, properties.GetProperty("content_type").GetString());
        Assert.Equal("captured", properties.GetProperty("headers").GetProperty("X-Probe").GetString());

        using var envelope = JsonDocument.Parse(payload);
        Assert.Equal(message.MessageId.ToString(), envelope.RootElement.GetProperty("messageId").GetString());
        Assert.Equal("captured", envelope.RootElement.GetProperty("headers").GetProperty("X-Probe").GetString());
        await host.StopAsync();
    }
}
