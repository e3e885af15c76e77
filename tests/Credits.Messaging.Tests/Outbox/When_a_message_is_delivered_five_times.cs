using Credits.Messaging.TestHost;
using Credits.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit;

namespace Credits.Messaging.Tests.Outbox;

/// <summary>
/// Issue 3, 4b: the inbox turns redeliveries of one MessageId into no-ops, even when they race; claimed first (the
/// copies stop at the inbox) or in the last save (issue 16: the copies run, meet the probe's row or the inbox's, roll
/// back and are counted on the committed row).
/// </summary>
public class When_a_message_is_delivered_five_times(OutboxInfrastructure infrastructure) : IClassFixture<OutboxInfrastructure>
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Should_change_state_once_and_publish_once(bool claimOnCommit)
    {
        var roles = OutboxTestRoles.Probe | OutboxTestRoles.Counter | (claimOnCommit ? OutboxTestRoles.ClaimOnCommit : OutboxTestRoles.None);
        using var host = OutboxTestHostBuilder.Build(infrastructure.Database.ConnectionString, infrastructure.VirtualHost.Uri,
            roles, o => o.QueryDelay = TimeSpan.FromMilliseconds(100));
        await host.StartAsync();
        var bus = host.Services.GetRequiredService<IBus>();
        var probeId = Guid.NewGuid();
        var messageId = NewId.NextGuid();

        // Five copies in flight at once: the endpoint's prefetch lets them race into the inbox.
        var endpoint = await bus.GetSendEndpoint(new Uri($"queue:{OutboxTestHostBuilder.ProbeQueue}"));
        await Task.WhenAll(Enumerable.Range(0, 5).Select(_ =>
            endpoint.Send(new ProbeRequested { ProbeId = probeId }, context => context.MessageId = messageId)));

        await Eventually.True(async () => await infrastructure.Database.ScalarAsync<int>(
            $"SELECT receive_count FROM inbox_state WHERE message_id = '{messageId}'") == 5, because: "all five copies reach the inbox");
        await Eventually.True(async () => await infrastructure.Count($"FROM counted_delivery WHERE probe_id = '{probeId}'") == 1,
            because: "the one publish is relayed");
        await Eventually.True(async () => await infrastructure.Count("FROM outbox_message") == 0, because: "the relay empties the outbox");
        await Task.Delay(500);

        Assert.Equal(1, await infrastructure.Database.ScalarAsync<int>($"SELECT consumptions FROM probe WHERE probe_id = '{probeId}'"));
        Assert.Equal(1, await infrastructure.Database.ScalarAsync<long>($"SELECT sum(deliveries) FROM counted_delivery WHERE probe_id = '{probeId}'"));
        Assert.Equal(0, await infrastructure.VirtualHost.QueueDepthAsync(OutboxTestHostBuilder.ProbeQueue + "_error"));
        Assert.Equal(0, await infrastructure.VirtualHost.QueueDepthAsync(OutboxTestHostBuilder.ProbeQueue + "_skipped"));
        await host.StopAsync();
    }
}
