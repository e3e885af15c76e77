using Credits.Messaging.TestHost;
using Credits.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit;

namespace Credits.Messaging.Tests.Outbox;

/// <summary>
/// Units the relay cannot send (here: headers that are no longer an object of headers) stay in the outbox for a later try, and go behind
/// the units due now: a batch's worth of them at the head of the queue held every unit behind them back for ever.
/// </summary>
public class When_a_unit_cannot_be_sent(OutboxInfrastructure infrastructure) : IClassFixture<OutboxInfrastructure>
{
    // Valid JSON, so PostgreSQL stores it, but not the object the sender reads its headers from: every send fails.
    const string Unsendable = "[\"unsendable\"]";

    [Fact]
    public async Task Should_keep_it_and_relay_the_units_behind_it()
    {
        using var postponed = new PostponedSends();
        // A host that only writes (no relay), so the units wait in the outbox, due at once.
        var poison = new[] { Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid() };
        using (var writer = infrastructure.BuildWriterHost())
        {
            await writer.StartAsync();
            foreach (var probeId in poison)
                await PublishAsync(writer, probeId);
            await infrastructure.Database.ExecuteAsync($"UPDATE outbox_message SET headers = '{Unsendable}'");
            await PublishAsync(writer, Guid.NewGuid());
            await writer.StopAsync();
        }
        var good = await infrastructure.Database.ScalarAsync<Guid>(
            $"SELECT outbox_id FROM outbox_message WHERE headers::text IS DISTINCT FROM '{Unsendable}'");

        // The relay takes two units at a time, the oldest first: the first batch is all unsendable.
        using var relay = OutboxTestHostBuilder.Build(infrastructure.Database.ConnectionString, infrastructure.VirtualHost.Uri,
            OutboxTestRoles.Counter, o =>
            {
                o.QueryMessageLimit = 2;
                o.QueryDelay = TimeSpan.FromMilliseconds(100);
                o.SendRetryDelay = TimeSpan.FromMinutes(10);
            });
        await relay.StartAsync();

        await Eventually.True(async () => await infrastructure.Count("FROM counted_delivery") == 1,
            because: "the unit behind the unsendable ones is relayed");
        Assert.Equal(0, await infrastructure.Count($"FROM outbox_state WHERE outbox_id = '{good}'"));
        // Nothing lost: the unsendable units wait for a later try, not before their delay.
        Assert.Equal(3, await infrastructure.Count($"FROM outbox_message WHERE headers::text = '{Unsendable}'"));
        Assert.Equal(3, await infrastructure.Count("FROM outbox_state WHERE relay_after > now() + interval '5 minutes'"));
        // An operator's alert sees them: each postponed unit is counted (credits.outbox.units.postponed).
        Assert.True(postponed.OutboxUnits >= 3, $"postponed outbox units counted: {postponed.OutboxUnits}");
        await relay.StopAsync();
    }

    static async Task PublishAsync(IHost host, Guid probeId)
    {
        await using var scope = host.Services.CreateAsyncScope();
        var dbContext = scope.ServiceProvider.GetRequiredService<OutboxTestDbContext>();
        dbContext.Probes.Add(new ProbeRow { ProbeId = probeId, Consumptions = 1 });
        await scope.ServiceProvider.GetRequiredService<IPublishEndpoint>().Publish(new ProbeRecorded { ProbeId = probeId });
        await dbContext.SaveChangesAsync();
    }
}
