using System.Text.RegularExpressions;
using Credits.Messaging.TestHost;
using Credits.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit;
using Xunit.Abstractions;

namespace Credits.Messaging.Tests.Outbox;

/// <summary>Issue 3, 4e: relays in two processes compete for one outbox; SKIP LOCKED gives each unit to one of them.</summary>
public partial class When_two_relays_share_an_outbox(OutboxInfrastructure infrastructure, ITestOutputHelper output) : IClassFixture<OutboxInfrastructure>
{
    const int Units = 1_000;
    const int MessagesPerUnit = 10;
    const int Messages = Units * MessagesPerUnit;

    [Fact]
    public async Task Should_deliver_each_of_10000_messages_exactly_once()
    {
        // This process writes through the bus outbox and counts deliveries; it does not relay.
        using var writer = OutboxTestHostBuilder.Build(infrastructure.Database.ConnectionString, infrastructure.VirtualHost.Uri,
            OutboxTestRoles.Counter, o => o.UseBusOutbox().DisableDeliveryService());
        await writer.StartAsync();
        await WriteTemplateMessage(writer);
        // Set the template aside before any relay runs: a relay that delivered it while it was being cloned
        // would add a 10,001st delivery (seen once on CI).
        await infrastructure.Database.ExecuteAsync(SetTemplateAside);
        await using var relayA = await TestHostProcess.Start(infrastructure, OutboxTestRoles.None, delivery: true);
        await using var relayB = await TestHostProcess.Start(infrastructure, OutboxTestRoles.None, delivery: true);

        var clock = System.Diagnostics.Stopwatch.StartNew();
        await infrastructure.Database.ExecuteAsync(CloneTemplate);
        output.WriteLine($"seeded in {clock.Elapsed}; counted so far {await infrastructure.Count("FROM counted_delivery")}; outbox left {await infrastructure.Count("FROM outbox_message")}");
        await Eventually.True(async () => await infrastructure.Count("FROM outbox_message") == 0, TimeSpan.FromSeconds(120), "relayed");
        output.WriteLine($"relayed by {clock.Elapsed}; counted so far {await infrastructure.Count("FROM counted_delivery")}");
        try
        {
            await Eventually.True(async () => await infrastructure.Count("FROM counted_delivery") == Messages,
                TimeSpan.FromSeconds(120), "every message reaches the counter");
        }
        catch (TimeoutException timeout)
        {
            // Say where the missing messages are, so a failure on a loaded CI machine can be told apart
            // from a lost message: still queued, dead-lettered, or nowhere.
            throw new TimeoutException($"{timeout.Message}; counted {await infrastructure.Count("FROM counted_delivery")}, " +
                $"queued {await infrastructure.VirtualHost.QueueDepthAsync(OutboxTestHostBuilder.CounterQueue)}, " +
                $"dead-lettered {await infrastructure.VirtualHost.QueueDepthAsync(OutboxTestHostBuilder.CounterQueue + "_error")}, " +
                $"outbox left {await infrastructure.Count("FROM outbox_message")}", timeout);
        }
        await Eventually.True(async () => await infrastructure.Count("FROM outbox_state") == 0, because: "the relays clear every unit");
        await Eventually.True(() => Task.FromResult(Relayed(relayA) + Relayed(relayB) >= Messages), because: "both relays report their work");
        output.WriteLine($"counted by {clock.Elapsed}");
        await Task.Delay(500);

        Assert.Equal(Messages, await infrastructure.Count("FROM counted_delivery"));
        Assert.Equal(1, await infrastructure.Database.ScalarAsync<int>("SELECT max(deliveries) FROM counted_delivery"));
        Assert.Equal(0, await infrastructure.Count("FROM outbox_message"));
        Assert.Equal(Messages, Relayed(relayA) + Relayed(relayB));
        Assert.True(Relayed(relayA) > 0 && Relayed(relayB) > 0,
            $"both relays should have taken units: A relayed {Relayed(relayA)}, B relayed {Relayed(relayB)}");
        await writer.StopAsync();
    }

    /// <summary>One real message written through the bus outbox, serialized by MassTransit, for the clones.</summary>
    static async Task WriteTemplateMessage(IHost writer)
    {
        await using var scope = writer.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<IPublishEndpoint>().Publish(new ProbeRecorded { ProbeId = Guid.NewGuid() });
        await scope.ServiceProvider.GetRequiredService<OutboxTestDbContext>().SaveChangesAsync();
    }

    const string SetTemplateAside = """
        CREATE TABLE template_message AS SELECT * FROM outbox_message;
        DELETE FROM outbox_message;
        DELETE FROM outbox_state;
        """;

    /// <summary>
    /// Clones the template into 1,000 committed units of 10 copies, each with its own MessageId, in one
    /// statement: writing them through EF would measure the writer, not the relays, on a busy 2-core machine.
    /// </summary>
    static readonly string CloneTemplate = $"""
        WITH template AS (SELECT * FROM template_message),
             units AS (SELECT gen_random_uuid() AS outbox_id, n FROM generate_series(1, {Units}) AS n),
             states AS (INSERT INTO outbox_state (outbox_id, created, relay_after) SELECT outbox_id, clock_timestamp(), clock_timestamp() FROM units)
        INSERT INTO outbox_message (outbox_id, message_id, content_type, message_type, body, headers, properties,
                                    conversation_id, source_address, destination_address, sent_time)
        SELECT u.outbox_id, gen_random_uuid(), t.content_type, t.message_type, t.body, t.headers, t.properties,
               t.conversation_id, t.source_address, t.destination_address, t.sent_time
        FROM units u CROSS JOIN generate_series(1, {MessagesPerUnit}) AS m CROSS JOIN template t
        ORDER BY u.n, m
        """;

    /// <summary>Messages a relay process sent, from its debug log lines.</summary>
    static int Relayed(TestHostProcess relay) =>
        RelayedLine().Matches(relay.Output).Sum(m => int.Parse(m.Groups[1].Value));

    [GeneratedRegex(@"Relayed (\d+) of \d+ messages")]
    private static partial Regex RelayedLine();
}
