using Credits.Messaging.TestHost;
using Credits.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Xunit;

namespace Credits.Messaging.Tests.Outbox;

/// <summary>A database with the outbox and probe tables, and a virtual host, for one test class.</summary>
public sealed class OutboxInfrastructure : IAsyncLifetime
{
    readonly Infrastructure _infrastructure = new();

    public PostgresDatabase Database => _infrastructure.Database;
    public RabbitMqVirtualHost VirtualHost => _infrastructure.VirtualHost;

    public async Task InitializeAsync()
    {
        await _infrastructure.InitializeAsync();
        await using var dbContext = new OutboxTestDbContext(new DbContextOptionsBuilder<OutboxTestDbContext>()
            .UseNpgsql(Database.ConnectionString).Options);
        await dbContext.Database.EnsureCreatedAsync();
    }

    public Task DisposeAsync() => _infrastructure.DisposeAsync();

    /// <summary>
    /// A host that only writes to the outbox (bus outbox on, no relay, no after-commit send): its units stay in the
    /// tables for the test to read, change or send.
    /// </summary>
    public IHost BuildWriterHost() => OutboxTestHostBuilder.Build(Database.ConnectionString, VirtualHost.Uri,
        OutboxTestRoles.None, o => o.UseBusOutbox().DisableDeliveryService());

    public Task<long> Count(string sqlFromWhere) => Database.ScalarAsync<long>($"SELECT count(*) {sqlFromWhere}");
}
