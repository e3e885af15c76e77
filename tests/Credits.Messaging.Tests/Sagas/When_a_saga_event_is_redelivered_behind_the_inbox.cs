using Credits.Testing;
using MassTransit;
using Xunit;

namespace Credits.Messaging.Tests.Sagas;

/// <summary>
/// Issue 16: behind the inbox and outbox a saga claims its inbox row in its last save, with the instance's update.
/// A redelivered event runs the state machine again on the instance the first delivery left; that attempt must roll
/// back whole and be acknowledged.
/// </summary>
public class When_a_saga_event_is_redelivered_behind_the_inbox(Infrastructure infrastructure) : IClassFixture<Infrastructure>
{
    [Fact]
    public async Task Should_apply_it_once()
    {
        await using var host = await TallyHost.Start(infrastructure, s =>
        {
            s.Configure = x => x.AddPostgresOutbox<TallyDbContext>(o => o.QueryDelay = TimeSpan.FromMilliseconds(100));
            s.Endpoint = (context, endpoint) => endpoint.UsePostgresOutbox<TallyDbContext>(context);
        });
        var tallyId = Guid.NewGuid();
        await host.Publish(new TallyOpened { TallyId = tallyId });
        await host.WaitFor(tallyId, t => t.Opens == 1, "the tally is open");

        // Four copies of one increment at once, then a fifth after they are done.
        var messageId = NewId.NextGuid();
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ =>
            host.Bus.Publish(new TallyIncremented { TallyId = tallyId }, context => context.MessageId = messageId)));
        await Eventually.True(async () => await ReceiveCount(messageId) == 4, because: "all four copies are counted");
        await host.Bus.Publish(new TallyIncremented { TallyId = tallyId }, context => context.MessageId = messageId);
        await Eventually.True(async () => await ReceiveCount(messageId) == 5, because: "the late copy is counted too");
        await Task.Delay(500);

        Assert.Equal(1, (await host.Find(tallyId))!.Count);
        Assert.Equal(0, await infrastructure.VirtualHost.QueueDepthAsync("tally_error"));
    }

    Task<int> ReceiveCount(Guid messageId) =>
        infrastructure.Database.ScalarAsync<int>($"SELECT coalesce(max(receive_count), 0) FROM inbox_state WHERE message_id = '{messageId}'");
}
