using Credits.Messaging.TestHost;
using Credits.Testing;
using Microsoft.Extensions.Hosting;
using Xunit;

namespace Credits.Messaging.Tests.Outbox;

/// <summary>The inbox cleanup service keeps the inbox to the duplicate detection window.</summary>
public class When_inbox_rows_outlive_the_duplicate_window(OutboxInfrastructure infrastructure) : IClassFixture<OutboxInfrastructure>
{
    [Fact]
    public async Task Should_delete_them_and_keep_the_recent_ones()
    {
        var old = Guid.NewGuid();
        var recent = Guid.NewGuid();
        await infrastructure.Database.ExecuteAsync($"""
            INSERT INTO inbox_state (message_id, consumer_id, received, receive_count) VALUES
                ('{old}', '{Guid.NewGuid()}', now() - interval '31 minutes', 1),
                ('{recent}', '{Guid.NewGuid()}', now() - interval '29 minutes', 1)
            """);

        using var host = OutboxTestHostBuilder.Build(infrastructure.Database.ConnectionString, infrastructure.VirtualHost.Uri,
            OutboxTestRoles.None, o =>
            {
                o.DuplicateDetectionWindow = TimeSpan.FromMinutes(30);
                o.InboxCleanupInterval = TimeSpan.FromMilliseconds(200);
                o.DisableDeliveryService();
            });
        await host.StartAsync();

        await Eventually.True(async () => await infrastructure.Count($"FROM inbox_state WHERE message_id = '{old}'") == 0,
            because: "rows older than the window are deleted");
        Assert.Equal(1, await infrastructure.Count($"FROM inbox_state WHERE message_id = '{recent}'"));
        await host.StopAsync();
    }
}
