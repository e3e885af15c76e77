using Xunit;

namespace Credits.Testing;

/// <summary>A database and a virtual host for one test class: the usual fixture of an integration test.</summary>
public class Infrastructure : IAsyncLifetime
{
    /// <summary>Empty, unless the fixture asks for a migrated one (<c>Database = new() { Migrated = true }</c>).</summary>
    public PostgresDatabase Database { get; init; } = new();
    public RabbitMqVirtualHost VirtualHost { get; } = new();

    public async Task InitializeAsync()
    {
        await Task.WhenAll(Database.InitializeAsync(), VirtualHost.InitializeAsync());
    }

    public async Task DisposeAsync()
    {
        await Task.WhenAll(Database.DisposeAsync(), VirtualHost.DisposeAsync());
    }
}
