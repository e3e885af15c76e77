using Credits.Messaging.TestHost;
using Credits.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit;
using Xunit.Abstractions;

namespace Credits.Messaging.Tests.Outbox;

/// <summary>
/// Issue 3, 4a: the consumer's transaction commits, then the process dies (SIGKILL) before the message is
/// published. The first process runs without its relay, so the kill always lands in that window.
/// </summary>
public class When_a_host_is_killed_between_commit_and_relay(OutboxInfrastructure infrastructure, ITestOutputHelper output) : IClassFixture<OutboxInfrastructure>
{
    // Generous timeouts: two process starts on a shared 2-core machine can take most of a minute.
    [Fact]
    public async Task Should_deliver_the_message_once_after_restart()
    {
        // Downstream counter in this process; its own relay is off so only the restarted host can relay.
        using var counter = OutboxTestHostBuilder.Build(infrastructure.Database.ConnectionString, infrastructure.VirtualHost.Uri,
            OutboxTestRoles.Counter, o => o.DisableDeliveryService());
        await counter.StartAsync();
        var probeId = Guid.NewGuid();

        var clock = System.Diagnostics.Stopwatch.StartNew();
        await using (var doomed = await TestHostProcess.Start(infrastructure, OutboxTestRoles.Probe, delivery: false))
        {
            var endpoint = await counter.Services.GetRequiredService<IBus>().GetSendEndpoint(new Uri($"queue:{OutboxTestHostBuilder.ProbeQueue}"));
            await endpoint.Send(new ProbeRequested { ProbeId = probeId });

            await Eventually.True(async () => await infrastructure.Count($"FROM probe WHERE probe_id = '{probeId}'") == 1
                && await infrastructure.Count("FROM outbox_message") == 1, TimeSpan.FromSeconds(90), "the consumer's row and its publish commit together");
            // Usually the inbound message is acknowledged by now; if the kill beats the ack, the broker redelivers it
            // to the restarted host and its inbox makes that a no-op. Either way the publish must arrive once.
            await Task.Delay(200);
            output.WriteLine($"committed at {clock.Elapsed}");
            doomed.Kill();
        }
        await Task.Delay(300);
        Assert.Equal(0, await infrastructure.Count($"FROM counted_delivery WHERE probe_id = '{probeId}'"));

        await using var restarted = await TestHostProcess.Start(infrastructure, OutboxTestRoles.Probe, delivery: true);
        output.WriteLine($"restarted at {clock.Elapsed}");
        await Eventually.True(async () => await infrastructure.Count($"FROM counted_delivery WHERE probe_id = '{probeId}'") == 1,
            TimeSpan.FromSeconds(90), "the restarted host relays the committed message");
        await Eventually.True(async () => await infrastructure.Count("FROM outbox_state") == 0, because: "the relay clears the unit");
        output.WriteLine($"relayed at {clock.Elapsed}");
        await Task.Delay(500);

        Assert.Equal(1, await infrastructure.Database.ScalarAsync<long>($"SELECT sum(deliveries) FROM counted_delivery WHERE probe_id = '{probeId}'"));
        Assert.Equal(1, await infrastructure.Database.ScalarAsync<int>($"SELECT consumptions FROM probe WHERE probe_id = '{probeId}'"));
        await counter.StopAsync();
    }
}
