using Credits.Messaging.TestHost;
using Credits.Testing;
using Microsoft.EntityFrameworkCore;
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

    public Task<long> Count(string sqlFromWhere) => Database.ScalarAsync<long>($"SELECT count(*) {sqlFromWhere}");
}
