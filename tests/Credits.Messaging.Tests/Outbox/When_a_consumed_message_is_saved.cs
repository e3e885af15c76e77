using Credits.Messaging.TestHost;
using Credits.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit;

namespace Credits.Messaging.Tests.Outbox;

/// <summary>
/// Issue 16: the outbox's own save, just before its commit, needs no savepoint (a failure there fails the whole
/// attempt), so it does not pay the two round trips of one. A consumer's own save keeps its savepoint: the saga
/// repository's insert catches a duplicate key and goes on in the same transaction.
/// </summary>
public class When_a_consumed_message_is_saved(OutboxInfrastructure infrastructure) : IClassFixture<OutboxInfrastructure>
{
    [Fact]
    public async Task Should_make_a_savepoint_for_the_consumers_save_only()
    {
        var savepoints = new SavepointCounter();
        using var host = OutboxTestHostBuilder.Build(infrastructure.Database.ConnectionString, infrastructure.VirtualHost.Uri,
            OutboxTestRoles.Probe, o => o.QueryDelay = TimeSpan.FromMilliseconds(100), o => o.AddInterceptors(savepoints));
        await host.StartAsync();
        var probeId = Guid.NewGuid();

        // The probe consumer saves its row itself (a savepoint), then publishes: the outbox saves that message.
        var endpoint = await host.Services.GetRequiredService<IBus>().GetSendEndpoint(new Uri($"queue:{OutboxTestHostBuilder.ProbeQueue}"));
        await endpoint.Send(new ProbeRequested { ProbeId = probeId });
        await Eventually.True(async () => await infrastructure.Count($"FROM probe WHERE probe_id = '{probeId}'") == 1,
            because: "the probe is consumed and committed");
        await Eventually.True(async () => await infrastructure.Count("FROM outbox_message") == 0, because: "the relay sends its message");

        Assert.Equal(1, savepoints.Created);
        await host.StopAsync();
    }
}
