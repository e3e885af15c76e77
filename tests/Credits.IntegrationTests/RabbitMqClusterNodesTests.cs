using Credits.Contracts.Usage;
using Credits.Testing;
using Xunit;

namespace Credits.IntegrationTests;

/// <summary>
/// A system whose RabbitMq:Url names a port nothing listens on, with the broker reachable only through the second of
/// its RabbitMq:ClusterNodes: the hosts connect there (MassTransit tries the nodes in turn) and the bus works.
/// </summary>
public sealed class ClusterNodesSystem : SystemUnderTest
{
    // A port nothing listens on, as a cluster node that is down would be.
    public const string DownNode = "127.0.0.1:9";

    protected override void Configure(Dictionary<string, string> environment)
    {
        var broker = new Uri(environment["RabbitMq__Url"]);
        environment["RabbitMq__ClusterNodes"] = $"{DownNode}, {broker.Host}:{broker.Port}";
        // User, password and virtual host still come from the URL; its own host and port are not used with nodes.
        environment["RabbitMq__Url"] = new UriBuilder(broker) { Port = 9 }.Uri.ToString();
    }
}

public class RabbitMqClusterNodesTests(ClusterNodesSystem system) : IClassFixture<ClusterNodesSystem>
{
    [Fact]
    public async Task The_hosts_reach_the_broker_through_a_node_that_is_up_when_the_first_is_down()
    {
        var customer = "cluster-" + Guid.NewGuid().ToString("N");
        await system.Accounts.OpenAsync(customer, "hobby");

        await using var bus = await TestBus.StartAsync(system.Infrastructure.VirtualHost.Uri);
        for (var i = 0; i < 5; i++)
            await bus.Publisher.Publish(new UsageRecorded
            {
                EventId = $"{customer}-{i}", CustomerId = customer, Credits = 10, OccurredAt = DateTimeOffset.UtcNow,
            });

        // Consumed by the Orchestrator, whose only way to RabbitMQ is the second node.
        await Eventually.Get(() => system.Accounts.AvailableAsync(customer), a => a == 150, because: "5 x 10 credits debited");
        var books = await system.Accounts.BooksAsync(customer);
        Assert.Equal(books.SumOfEntries, books.Column);
    }
}
