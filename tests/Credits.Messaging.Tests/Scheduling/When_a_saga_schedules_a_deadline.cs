using Credits.Messaging.Tests.Sagas;
using Credits.Testing;
using Xunit;

namespace Credits.Messaging.Tests.Scheduling;

/// <summary>
/// Issue 3, test 4d: saga deadlines on stock RabbitMQ, kept in PostgreSQL. A deadline outlives the host that set
/// it; a cleared one never arrives, not even as a late copy.
/// </summary>
public class When_a_saga_schedules_a_deadline(Infrastructure infrastructure) : IClassFixture<Infrastructure>
{
    [Fact]
    public async Task Should_reach_it_after_a_restart()
    {
        var tallyId = Guid.NewGuid();
        await using (var first = await TallyHost.Start(infrastructure))
        {
            await OpenTally(first, tallyId);
            await first.Publish(new TallyDeadlineSet { TallyId = tallyId, Delay = TimeSpan.FromSeconds(5) });
            await first.WaitFor(tallyId, t => t.DeadlineTokenId is not null, "the deadline was scheduled");
        }

        // The first host is gone, the deadline not yet due: only the row remembers it.
        Assert.Equal(1L, await PendingFor(tallyId));
        Assert.Equal("Open", await infrastructure.Database.ScalarAsync<string>($"SELECT \"CurrentState\" FROM tally WHERE correlation_id = '{tallyId}'"));

        await using var second = await TallyHost.Start(infrastructure);
        var tally = await second.WaitFor(tallyId, t => t.CurrentState == "Expired", "the deadline arrived after the restart");
        Assert.Equal(1, tally.DeadlinesReached);
        Assert.Null(tally.DeadlineTokenId);
        // The delivery commits its delete after the broker confirmed the send, which can be after the saga consumed it.
        await Eventually.True(async () => await PendingFor(tallyId) == 0, TimeSpan.FromSeconds(5), "the delivered row was deleted");
    }

    [Fact]
    public async Task Should_never_reach_a_cleared_one()
    {
        var tallyId = Guid.NewGuid();
        await using var host = await TallyHost.Start(infrastructure);
        await OpenTally(host, tallyId);
        await host.Publish(new TallyDeadlineSet { TallyId = tallyId, Delay = TimeSpan.FromSeconds(2) });
        await host.WaitFor(tallyId, t => t.DeadlineTokenId is not null, "the deadline was scheduled");
        Assert.Equal(1L, await PendingFor(tallyId));

        await host.Publish(new TallyDeadlineCleared { TallyId = tallyId });
        await host.WaitFor(tallyId, t => t.DeadlineTokenId is null, "the deadline was cleared");
        Assert.Equal(0L, await PendingFor(tallyId));

        await Task.Delay(TimeSpan.FromSeconds(3)); // past the due time, several polls
        var tally = (await host.Find(tallyId))!;
        Assert.Equal("Open", tally.CurrentState);
        Assert.Equal(0, tally.DeadlinesReached);
    }

    [Fact]
    public async Task Should_ignore_a_late_copy_of_a_cleared_one()
    {
        var tallyId = Guid.NewGuid();
        await using var host = await TallyHost.Start(infrastructure);
        await OpenTally(host, tallyId);
        await host.Publish(new TallyDeadlineSet { TallyId = tallyId, Delay = TimeSpan.FromMinutes(10) });
        await host.WaitFor(tallyId, t => t.DeadlineTokenId is not null, "the deadline was scheduled");
        // Keep a copy of the row, as if it had been sent just before the clear (a cancel lost to a delivery race).
        await infrastructure.Database.ExecuteAsync(
            $"CREATE TABLE late_{tallyId:N} AS SELECT * FROM scheduled_message WHERE body LIKE '%{tallyId}%'");

        await host.Publish(new TallyDeadlineCleared { TallyId = tallyId });
        await host.WaitFor(tallyId, t => t.DeadlineTokenId is null, "the deadline was cleared");
        await infrastructure.Database.ExecuteAsync(
            $"INSERT INTO scheduled_message SELECT * FROM late_{tallyId:N}; UPDATE scheduled_message SET due_time = now() WHERE body LIKE '%{tallyId}%'");

        await Eventually.True(async () => await PendingFor(tallyId) == 0, TimeSpan.FromSeconds(10), "the late copy was delivered");
        await Task.Delay(TimeSpan.FromSeconds(1)); // and consumed
        var tally = (await host.Find(tallyId))!;
        Assert.Equal("Open", tally.CurrentState);
        Assert.Equal(0, tally.DeadlinesReached);
        Assert.Equal(0, await infrastructure.VirtualHost.QueueDepthAsync("tally_error"));
    }

    static async Task OpenTally(TallyHost host, Guid tallyId)
    {
        await host.Publish(new TallyOpened { TallyId = tallyId });
        await host.WaitFor(tallyId, t => t.CurrentState == "Open", "the tally opened");
    }

    Task<long> PendingFor(Guid tallyId) =>
        infrastructure.Database.ScalarAsync<long>($"SELECT count(*) FROM scheduled_message WHERE body LIKE '%{tallyId}%'");

}
