using Credits.Messaging.TestHost;
using Credits.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit;

namespace Credits.Messaging.Tests.Outbox;

/// <summary>Issue 3, 4f: a consumer's rows and its publishes live and die with its transaction.</summary>
public class When_a_consumer_throws(OutboxInfrastructure infrastructure) : IClassFixture<OutboxInfrastructure>
{
    [Fact]
    public async Task Should_leave_no_rows_and_publish_nothing()
    {
        using var host = OutboxTestHostBuilder.Build(infrastructure.Database.ConnectionString, infrastructure.VirtualHost.Uri,
            OutboxTestRoles.FailingProbe | OutboxTestRoles.Counter, o => o.QueryDelay = TimeSpan.FromMilliseconds(100));
        await host.StartAsync();
        var probeId = Guid.NewGuid();

        var endpoint = await host.Services.GetRequiredService<IBus>().GetSendEndpoint(new Uri($"queue:{OutboxTestHostBuilder.FailingProbeQueue}"));
        await endpoint.Send(new FailingProbeRequested { ProbeId = probeId });

        // Three attempts (two immediate retries), each writing and publishing before it throws, then the error queue.
        await Eventually.True(async () => await infrastructure.VirtualHost.QueueDepthAsync(OutboxTestHostBuilder.FailingProbeQueue + "_error") == 1,
            because: "the message ends in the error queue");
        // Several relay polls' worth of time for anything that leaked to show up downstream.
        await Task.Delay(1000);

        Assert.Equal(0, await infrastructure.Count($"FROM probe WHERE probe_id = '{probeId}'"));
        Assert.Equal(0, await infrastructure.Count("FROM inbox_state"));
        Assert.Equal(0, await infrastructure.Count("FROM outbox_message"));
        Assert.Equal(0, await infrastructure.Count("FROM outbox_state"));
        Assert.Equal(0, await infrastructure.Count($"FROM counted_delivery WHERE probe_id = '{probeId}'"));
        await host.StopAsync();
    }
}
