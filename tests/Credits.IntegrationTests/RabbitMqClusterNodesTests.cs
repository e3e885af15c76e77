using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Credits.Contracts.Usage;
using Credits.Testing;
using Xunit;

namespace Credits.IntegrationTests;

/// <summary>
/// A system whose RabbitMq:Url names a port nothing listens on, with the broker reachable only through the second of
/// its RabbitMq:ClusterNodes: the hosts connect there (MassTransit tries the nodes in turn) and the bus works, and so do
/// the console's own connections (dead letters and their redrive).
/// </summary>
public sealed class ClusterNodesSystem : SystemUnderTest
{
    // A port nothing listens on (discard), as a cluster node that is down would be.
    const int ClosedPort = 9;

    protected override void Configure(Dictionary<string, string> environment)
    {
        var broker = new Uri(environment["RabbitMq__Url"]);
        environment["RabbitMq__ClusterNodes"] = $"127.0.0.1:{ClosedPort}, {broker.Host}:{broker.Port}";
        // User, password and virtual host still come from the URL; its own host and port are not used with nodes.
        environment["RabbitMq__Url"] = new UriBuilder(broker) { Port = ClosedPort }.Uri.ToString();
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

    [Fact]
    public async Task The_console_reads_and_redrives_dead_letters_through_the_nodes()
    {
        var customer = "cluster-dl-" + Guid.NewGuid().ToString("N");
        var eventId = "before-the-customer-" + customer;
        using var http = system.Client();
        await using var bus = await TestBus.StartAsync(system.Infrastructure.VirtualHost.Uri);

        // Usage for a customer not registered yet is dead-lettered; the console lists it (before, it said that RabbitMQ
        // could not be reached: it connected to the URL's host).
        await bus.Publisher.Publish(new UsageRecorded { EventId = eventId, CustomerId = customer, Credits = 30, OccurredAt = DateTimeOffset.UtcNow });
        var messageId = await Eventually.Get(async () =>
        {
            var report = await http.GetFromJsonAsync<JsonElement>("/console/api/dead-letters");
            var queue = report.GetProperty("queues").EnumerateArray().Single(q => q.GetProperty("queue").GetString() == "usage-recorded_error");
            return queue.GetProperty("messages").EnumerateArray()
                .Where(m => m.GetProperty("usage").EnumerateArray().Any(u => u.GetProperty("eventId").GetString() == eventId))
                .Select(m => m.GetProperty("messageId").GetString()).FirstOrDefault();
        }, id => id is not null, because: "the console lists the dead letter");

        await system.Accounts.OpenAsync(customer, "hobby");
        var response = await http.PostAsJsonAsync("/console/api/dead-letters/usage-recorded_error/redrive",
            new { messageId, reason = "customer registered late", @operator = "alice" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await Eventually.Get(() => system.Accounts.AvailableAsync(customer), a => a == 170, because: "the redriven usage is debited");
    }
}
