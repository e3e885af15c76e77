using Credits.Testing;
using MassTransit;
using MassTransit.Saga;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Credits.Messaging.Tests.Sagas;

/// <summary>
/// The repository answers queries (what an operations endpoint or the saga test harness asks) and correlates
/// events by an expression rather than an id.
/// </summary>
public class When_operations_look_for_saga_instances(Infrastructure infrastructure) : IClassFixture<Infrastructure>
{
    [Fact]
    public async Task Should_find_instances_by_expression_and_load_them_by_id()
    {
        await using var host = await TallyHost.Start(infrastructure);
        var (low, high) = (await Tally(host, 1), await Tally(host, 4));

        var found = await host.Services.GetRequiredService<IQuerySagaRepository<TallyState>>()
            .Find(new SagaQuery<TallyState>(t => t.Count >= 3));
        var loaded = await host.Services.GetRequiredService<ILoadSagaRepository<TallyState>>().Load(high);

        Assert.Contains(high, found);
        Assert.DoesNotContain(low, found);
        Assert.Equal(4, loaded.Count);
        Assert.Null(await host.Services.GetRequiredService<ILoadSagaRepository<TallyState>>().Load(Guid.NewGuid()));
    }

    [Fact]
    public async Task Should_deliver_an_event_correlated_by_expression_to_every_match()
    {
        await using var host = await TallyHost.Start(infrastructure);
        var (low, high, higher) = (await Tally(host, 1), await Tally(host, 50), await Tally(host, 60));

        await host.Publish(new TalliesSwept { MinimumCount = 50 });

        await host.WaitFor(high, t => t.CurrentState == "Expired", "the first match was swept");
        await host.WaitFor(higher, t => t.CurrentState == "Expired", "the second match was swept");
        Assert.Equal("Open", (await host.Find(low))!.CurrentState);
        Assert.Equal(0, await infrastructure.VirtualHost.QueueDepthAsync("tally_error"));
    }

    static async Task<Guid> Tally(TallyHost host, int count)
    {
        var tallyId = Guid.NewGuid();
        await host.Publish(new TallyOpened { TallyId = tallyId });
        await host.WaitFor(tallyId, t => t.CurrentState == "Open", "the tally opened");
        for (var i = 0; i < count; i++)
            await host.Publish(new TallyIncremented { TallyId = tallyId });
        await host.WaitFor(tallyId, t => t.Count == count, "the tally counted");
        return tallyId;
    }
}
