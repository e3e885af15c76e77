using Credits.Messaging.TestHost;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit;

namespace Credits.Messaging.Tests.Outbox;

/// <summary>
/// The relay sends a unit's messages in sequence-number order, so that order must be the publish order and
/// the unit must be one unit; after a SaveChanges, later publishes start a new unit.
/// </summary>
public class When_one_scope_publishes_several_messages(OutboxInfrastructure infrastructure) : IClassFixture<OutboxInfrastructure>
{
    [Fact]
    public async Task Should_number_them_in_publish_order_within_one_unit_per_SaveChanges()
    {
        using var host = infrastructure.BuildWriterHost();
        await host.StartAsync();
        var probes = Enumerable.Range(0, 20).Select(_ => Guid.NewGuid()).ToArray();

        await using (var scope = host.Services.CreateAsyncScope())
        {
            var publish = scope.ServiceProvider.GetRequiredService<IPublishEndpoint>();
            var dbContext = scope.ServiceProvider.GetRequiredService<OutboxTestDbContext>();
            foreach (var probe in probes[..10]) await publish.Publish(new ProbeRecorded { ProbeId = probe });
            await dbContext.SaveChangesAsync();
            foreach (var probe in probes[10..]) await publish.Publish(new ProbeRecorded { ProbeId = probe });
            await dbContext.SaveChangesAsync();
        }

        Assert.Equal(2, await infrastructure.Count("FROM outbox_state"));
        Assert.Equal(2, await infrastructure.Count("FROM (SELECT DISTINCT outbox_id FROM outbox_message) units"));
        // The body carries the ProbeId: read back in sequence order, it must be the publish order.
        var bodies = await infrastructure.Database.ScalarAsync<string>(
            "SELECT string_agg(body, '|' ORDER BY sequence_number) FROM outbox_message");
        var positions = probes.Select(p => bodies!.IndexOf(p.ToString(), StringComparison.Ordinal)).ToArray();
        Assert.All(positions, p => Assert.True(p >= 0));
        Assert.Equal(positions.Order(), positions);
        await host.StopAsync();
    }
}
