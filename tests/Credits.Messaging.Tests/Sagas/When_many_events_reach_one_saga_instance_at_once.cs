using Credits.Messaging.Sagas;
using Credits.Testing;
using MassTransit;
using Xunit;

namespace Credits.Messaging.Tests.Sagas;

/// <summary>
/// Issue 3, test 4c: 200 events for one instance, consumed 32 at a time, must serialize on the instance's row
/// (optimistic mode: 100 events, 4 at a time). A lost update (two messages reading the same count) shows as a
/// short count, a failed one as a message in the error queue.
/// </summary>
public class When_many_events_reach_one_saga_instance_at_once(Infrastructure infrastructure) : IClassFixture<Infrastructure>
{
    const int Events = 200;
    // Optimistic mode on one hot row retries most messages several times; half as many keep the test short.
    const int OptimisticEvents = 100;

    [Fact]
    public async Task Should_count_every_event_with_row_locks_and_no_retries()
    {
        await using var host = await TallyHost.Start(infrastructure, s => s.ConcurrencyMode = SagaConcurrencyMode.Pessimistic);
        var tallyId = await OpenTally(host);

        await Task.WhenAll(Enumerable.Range(0, Events).Select(_ => host.Publish(new TallyIncremented { TallyId = tallyId })));

        var tally = await host.WaitFor(tallyId, t => t.Count >= Events, "all increments applied");
        await Task.Delay(500); // anything beyond 200 would be a duplicate
        Assert.Equal(Events, (await host.Find(tallyId))!.Count);
        Assert.Equal(Events, tally.Count);
        Assert.Equal(0, await infrastructure.VirtualHost.QueueDepthAsync("tally_error"));
    }

    [Fact]
    public async Task Should_count_every_event_with_xmin_checks_and_retries()
    {
        await using var host = await TallyHost.Start(infrastructure, s =>
        {
            s.ConcurrencyMode = SagaConcurrencyMode.Optimistic;
            // Every conflict costs a retry, and on one hot row each round has one winner: keep few in flight.
            s.ConcurrentMessageLimit = 4;
            s.Retry = r => r.Immediate(50);
        });
        var tallyId = await OpenTally(host);

        await Task.WhenAll(Enumerable.Range(0, OptimisticEvents).Select(_ => host.Publish(new TallyIncremented { TallyId = tallyId })));

        await host.WaitFor(tallyId, t => t.Count >= OptimisticEvents, "all increments applied", seconds: 60);
        await Task.Delay(500);
        Assert.Equal(OptimisticEvents, (await host.Find(tallyId))!.Count);
        Assert.Equal(0, await infrastructure.VirtualHost.QueueDepthAsync("tally_error"));
    }

    [Fact]
    public async Task Should_create_one_instance_when_its_initial_event_races_itself()
    {
        await using var host = await TallyHost.Start(infrastructure);
        var tallyId = Guid.NewGuid();

        await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => host.Publish(new TallyOpened { TallyId = tallyId })));

        var tally = await host.WaitFor(tallyId, t => t.Opens >= 20, "all openings applied");
        Assert.Equal(20, tally.Opens);
        Assert.Equal(1L, await infrastructure.Database.ScalarAsync<long>($"SELECT count(*) FROM tally WHERE correlation_id = '{tallyId}'"));
        Assert.Equal(0, await infrastructure.VirtualHost.QueueDepthAsync("tally_error"));
    }

    static async Task<Guid> OpenTally(TallyHost host)
    {
        var tallyId = Guid.NewGuid();
        await host.Publish(new TallyOpened { TallyId = tallyId });
        await host.WaitFor(tallyId, t => t.CurrentState == "Open", "the tally opened");
        return tallyId;
    }
}
