using System.Net.Http.Headers;
using System.Text;
using Xunit;

namespace Credits.Testing;

/// <summary>
/// A RabbitMQ virtual host of its own for one test class (use as an xunit class fixture):
/// exchanges and queues of parallel test classes never meet. Created and deleted through the
/// management API of the test broker.
/// </summary>
public class RabbitMqVirtualHost : IAsyncLifetime
{
    public string Name { get; } = "t_" + Guid.NewGuid().ToString("N")[..20];

    /// <summary>amqp://user:pass@host:port/vhost, ready for MassTransit's <c>cfg.Host(uri)</c>.</summary>
    public Uri Uri => new UriBuilder(TestEnvironment.RabbitMq) { Path = "/" + Uri.EscapeDataString(Name) }.Uri;

    readonly HttpClient _management = CreateManagementClient();

    public async Task InitializeAsync()
    {
        var put = await _management.PutAsync($"api/vhosts/{Name}", new StringContent("{}", Encoding.UTF8, "application/json"));
        put.EnsureSuccessStatusCode();
        var user = TestEnvironment.RabbitMqManagement.UserInfo.Split(':')[0];
        var permissions = await _management.PutAsync($"api/permissions/{Name}/{user}",
            new StringContent("""{"configure":".*","write":".*","read":".*"}""", Encoding.UTF8, "application/json"));
        permissions.EnsureSuccessStatusCode();
    }

    public async Task DisposeAsync()
    {
        await _management.DeleteAsync($"api/vhosts/{Name}");
        _management.Dispose();
    }

    /// <summary>Messages waiting in a queue of this virtual host (0 when the queue does not exist).</summary>
    public async Task<long> QueueDepthAsync(string queue)
    {
        var response = await _management.GetAsync($"api/queues/{Name}/{Uri.EscapeDataString(queue)}");
        if (!response.IsSuccessStatusCode) return 0;
        using var doc = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return doc.RootElement.TryGetProperty("messages", out var m) ? m.GetInt64() : 0;
    }

    /// <summary>
    /// Up to <paramref name="count"/> messages of a queue, read through the management API and requeued in place
    /// (ackmode ack_requeue_true): each as the management API's JSON (payload, properties with message_id and headers).
    /// </summary>
    public async Task<IReadOnlyList<System.Text.Json.JsonElement>> PeekAsync(string queue, int count = 1000)
    {
        var response = await _management.PostAsync($"api/queues/{Name}/{Uri.EscapeDataString(queue)}/get", new StringContent(
            $$"""{"count":{{count}},"ackmode":"ack_requeue_true","encoding":"auto","truncate":200000}""", Encoding.UTF8, "application/json"));
        if (!response.IsSuccessStatusCode) return [];
        using var doc = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return doc.RootElement.EnumerateArray().Select(m => m.Clone()).ToList();
    }

    /// <summary>A client of the broker's management API (base address with a trailing slash: use relative paths).</summary>
    public static HttpClient CreateManagementClient()
    {
        var management = TestEnvironment.RabbitMqManagement;
        var client = new HttpClient { BaseAddress = new Uri(management.GetLeftPart(UriPartial.Authority) + "/") };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes(Uri.UnescapeDataString(management.UserInfo))));
        return client;
    }
}
