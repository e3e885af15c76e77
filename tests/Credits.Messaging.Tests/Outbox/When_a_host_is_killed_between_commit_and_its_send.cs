using Credits.Messaging.TestHost;
using Credits.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit;
using Xunit.Abstractions;

namespace Credits.Messaging.Tests.Outbox;

/// <summary>
/// A consumer sends its outbox units itself, right after its commit (<c>OutboxAfterCommitDelivery</c>); the relay takes
/// a unit only after its grace. These tests kill a host inside that window, and check that the usual path needs no relay.
/// </summary>
public class When_a_host_is_killed_between_commit_and_its_send(OutboxInfrastructure infrastructure, ITestOutputHelper output)
    : IClassFixture<OutboxInfrastructure>
{
    [Fact]
    public async Task Should_leave_the_unit_to_a_relay_after_its_grace_and_deliver_it_once()
    {
        using var counter = OutboxTestHostBuilder.Build(infrastructure.Database.ConnectionString, infrastructure.VirtualHost.Uri,
            OutboxTestRoles.Counter, o => o.DisableDeliveryService());
        await counter.StartAsync();
        var probeId = Guid.NewGuid();

        await using (var doomed = await TestHostProcess.StartWithStalledSends(infrastructure, OutboxTestRoles.Probe))
        {
            var endpoint = await counter.Services.GetRequiredService<IBus>().GetSendEndpoint(new Uri($"queue:{OutboxTestHostBuilder.ProbeQueue}"));
            await endpoint.Send(new ProbeRequested { ProbeId = probeId });

            await Eventually.True(async () => await infrastructure.Count($"FROM probe WHERE probe_id = '{probeId}'") == 1
                && await infrastructure.Count("FROM outbox_message") == 1, TimeSpan.FromSeconds(90), "the consumer's row and its publish commit together");
            // The unit is its writer's to send for the grace: the relay of the same process must not have it yet.
            Assert.Equal(1, await infrastructure.Count("FROM outbox_state WHERE relay_after >= created + interval '5 seconds'"));
            await Task.Delay(300);
            doomed.Kill();
        }
        Assert.Equal(0, await infrastructure.Count($"FROM counted_delivery WHERE probe_id = '{probeId}'"));

        // The broker gives the unacknowledged request to the restarted host, whose inbox knows it; its relay sends the
        // committed publish once the grace is over.
        await using var restarted = await TestHostProcess.Start(infrastructure, OutboxTestRoles.Probe, delivery: true);
        await Eventually.True(async () => await infrastructure.Count($"FROM counted_delivery WHERE probe_id = '{probeId}'") == 1,
            TimeSpan.FromSeconds(90), "the restarted host relays the committed message after its grace");
        await Eventually.True(async () => await infrastructure.Count("FROM outbox_state") == 0, because: "the relay clears the unit");
        await Task.Delay(500);

        Assert.Equal(1, await infrastructure.Database.ScalarAsync<long>($"SELECT sum(deliveries) FROM counted_delivery WHERE probe_id = '{probeId}'"));
        Assert.Equal(1, await infrastructure.Database.ScalarAsync<int>($"SELECT consumptions FROM probe WHERE probe_id = '{probeId}'"));
        await counter.StopAsync();
    }

    [Fact]
    public async Task Should_send_after_commit_without_the_relay_and_delete_the_unit()
    {
        // A grace of ten minutes: whatever arrives within the test came from the consumer's own send, not the relay.
        using var host = OutboxTestHostBuilder.Build(infrastructure.Database.ConnectionString, infrastructure.VirtualHost.Uri,
            OutboxTestRoles.Probe | OutboxTestRoles.Counter, o => o.RelayGrace = TimeSpan.FromMinutes(10));
        await host.StartAsync();
        var probeIds = Enumerable.Range(0, 20).Select(_ => Guid.NewGuid()).ToList();

        var endpoint = await host.Services.GetRequiredService<IBus>().GetSendEndpoint(new Uri($"queue:{OutboxTestHostBuilder.ProbeQueue}"));
        foreach (var probeId in probeIds) await endpoint.Send(new ProbeRequested { ProbeId = probeId });

        var ids = string.Join(",", probeIds.Select(id => $"'{id}'"));
        await Eventually.True(async () => await infrastructure.Count($"FROM counted_delivery WHERE probe_id IN ({ids})") == probeIds.Count,
            TimeSpan.FromSeconds(60), "every publish is sent right after its commit");
        await Eventually.True(async () => await infrastructure.Count("FROM outbox_state") == 0
            && await infrastructure.Count("FROM outbox_message") == 0, TimeSpan.FromSeconds(30), "the sent units are deleted");
        await Task.Delay(500);
        output.WriteLine($"delivered {probeIds.Count} without the relay");

        Assert.Equal(probeIds.Count, await infrastructure.Database.ScalarAsync<long>($"SELECT sum(deliveries) FROM counted_delivery WHERE probe_id IN ({ids})"));
        await host.StopAsync();
    }
}
