using Credits.Client;
using Credits.Contracts.Usage;
using Credits.Testing;
using Xunit;

namespace Credits.IntegrationTests.Client;

/// <summary>RecordUsage for producers on the bus: the same event published twice is one message id and one debit.</summary>
public partial class CreditsClientTests
{
    [Fact]
    public async Task The_same_usage_event_published_twice_is_one_message_id_and_one_debit()
    {
        var customer = await OpenAsync("client-bus");
        var usage = new UsageRecorded { CustomerId = customer, EventId = "job-7", Credits = 25, OccurredAt = DateTimeOffset.UtcNow };

        await _bus!.Publisher.RecordUsage(usage);
        await _bus.Publisher.RecordUsage(usage);
        await _bus.Publisher.RecordUsage(usage with { CustomerId = customer, EventId = "job-8", Credits = 5 });

        var seen = await Eventually.Get(() => Task.FromResult(_bus.ReceivedWithIds<UsageRecorded>().Where(r => r.Message.CustomerId == customer).ToList()),
            r => r.Count == 3, because: "the test bus sees the three publishes");
        var ids = seen.GroupBy(r => r.Message.EventId).ToDictionary(g => g.Key, g => g.Select(r => r.MessageId).Distinct().ToList());
        Assert.Equal(UsageMessageIds.For(customer, "job-7"), Assert.Single(ids["job-7"]));
        Assert.NotEqual(ids["job-7"][0], Assert.Single(ids["job-8"]));
        await Eventually.Get(() => system.Accounts.AvailableAsync(customer), a => a == 200 - 25 - 5, because: "job-7 once and job-8");
        var books = await system.Accounts.BooksAsync(customer);
        Assert.Equal(books.SumOfEntries, books.Column);
    }

    [Fact]
    public async Task Usage_a_producer_could_have_checked_itself_is_refused_before_it_is_published()
    {
        var customer = await OpenAsync("client-bus-bad");

        await Assert.ThrowsAsync<ArgumentException>(() => _bus!.Publisher.RecordUsage(new UsageRecorded { CustomerId = customer, Credits = 5 }));
        await Assert.ThrowsAsync<ArgumentException>(() => _bus!.Publisher.RecordUsage(new UsageRecorded { EventId = "x", Credits = 5 }));
        await Assert.ThrowsAsync<ArgumentException>(() => _bus!.Publisher.RecordUsage(
            new UsageRecorded { CustomerId = customer, EventId = "both", Credits = 5, Quantity = 10, Unit = "image", Feature = "image-gen" }));

        Assert.Equal(UsageMessageIds.For("a", "b:c"), UsageMessageIds.For("a", "b:c"));
        Assert.NotEqual(UsageMessageIds.For("a:b", "c"), UsageMessageIds.For("a", "b:c"));
        Assert.Equal(200, await system.Accounts.AvailableAsync(customer));
    }
}
