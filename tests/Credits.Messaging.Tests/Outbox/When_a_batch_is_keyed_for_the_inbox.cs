using Credits.Messaging.Outbox;
using MassTransit;
using Xunit;

namespace Credits.Messaging.Tests.Outbox;

/// <summary>
/// A batch of messages has no id of its own: the inbox keys it on all its members' ids (InboxKey). The behaviour on
/// the real bus, a redelivery among new events, is UsageOverTheBusTests.A_redelivered_event_in_a_batch_with_new_ones_does_not_hide_them.
/// </summary>
public class When_a_batch_is_keyed_for_the_inbox
{
    static readonly Guid[] Ids = [.. Enumerable.Range(0, 5).Select(_ => NewId.NextGuid())];

    static Guid? KeyOf(IEnumerable<Guid> members) => InboxKey.OfBatch(members.Select(id => (Guid?)id));

    [Fact]
    public void The_same_members_in_another_order_give_the_same_key() =>
        Assert.Equal(KeyOf(Ids), KeyOf(Ids.Reverse()));

    [Fact]
    public void Another_make_up_gives_another_key()
    {
        var all = KeyOf(Ids);
        Assert.NotEqual(all, KeyOf(Ids.Skip(1)));
        Assert.NotEqual(all, KeyOf([.. Ids, NewId.NextGuid()]));
        // The last member alone, the key a batch had before: never the key of the batch it came in.
        Assert.NotEqual(all, Ids[^1]);
    }

    [Fact]
    public void One_member_is_keyed_on_its_own_id() => Assert.Equal(Ids[0], InboxKey.OfBatch([Ids[0]]));

    [Fact]
    public void A_member_without_an_id_gives_no_key() => Assert.Null(InboxKey.OfBatch([Ids[0], null, Ids[1]]));

    [Fact]
    public void The_key_reads_as_a_name_based_uuid()
    {
        var key = KeyOf(Ids)!.Value.ToString();
        Assert.Equal('5', key[14]);
        Assert.Contains(key[19], "89ab");
    }
}
