using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Credits.Testing;
using Npgsql;
using Xunit;
using Xunit.Abstractions;

namespace Credits.IntegrationTests.Hardening;

/// <summary>
/// The real system whose Gateway reaches PostgreSQL and RabbitMQ through relays the test can cut (the shared services
/// keep running for everyone else, and the Orchestrator keeps its direct connections).
/// </summary>
public sealed class RelayedGatewaySystem : SystemUnderTest, IAsyncLifetime
{
    TcpRelay? _postgres;
    TcpRelay? _rabbitMq;

    public TcpRelay Postgres => _postgres ?? throw new InvalidOperationException("the Gateway has not started");
    public TcpRelay RabbitMq => _rabbitMq ?? throw new InvalidOperationException("the Gateway has not started");

    protected override void ConfigureGateway(Dictionary<string, string> environment)
    {
        var database = new NpgsqlConnectionStringBuilder(Infrastructure.Database.ConnectionString);
        _postgres ??= new TcpRelay(database.Host!, database.Port);
        var broker = Infrastructure.VirtualHost.Uri;
        _rabbitMq ??= new TcpRelay(broker.Host, broker.Port);
        // A refused connect fails at once; a lost one is noticed within seconds.
        database.Host = "127.0.0.1";
        database.Port = Postgres.Port;
        database.Timeout = 5;
        database.CommandTimeout = 10;
        environment["Postgres__ConnectionString"] = database.ConnectionString;
        environment["RabbitMq__Url"] = new UriBuilder(broker) { Host = "127.0.0.1", Port = RabbitMq.Port }.Uri.ToString();
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        if (_postgres is not null) await _postgres.DisposeAsync();
        if (_rabbitMq is not null) await _rabbitMq.DisposeAsync();
    }
}

/// <summary>
/// PostgreSQL or RabbitMQ briefly out of the Gateway's reach: callers get 503 problem+json with Retry-After (never a
/// 500), /health/ready says unhealthy, nothing is half-written, and the same requests work once the service is back.
/// docs/security/outages.md.
/// </summary>
public class OutageTests(RelayedGatewaySystem system, ITestOutputHelper output) : IClassFixture<RelayedGatewaySystem>
{
    static readonly TimeSpan Recovery = TimeSpan.FromSeconds(90);

    static object Usage(string eventId, string customerId, long credits) =>
        new { events = new[] { new { eventId, customerId, credits, feature = "api-call" } } };

    [Fact]
    public async Task While_PostgreSQL_is_out_the_API_answers_503_with_Retry_After_and_writes_nothing()
    {
        var customer = "pgout-" + Guid.NewGuid().ToString("N");
        var newcomer = "pgout-new-" + Guid.NewGuid().ToString("N");
        await system.Accounts.OpenAsync(customer, "hobby");
        using var http = system.Client();
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"/v1/customers/{customer}/balance")).StatusCode);

        system.Postgres.Cut();
        try
        {
            await AssertUnavailableAsync(() => http.GetAsync($"/v1/customers/{customer}/balance"));
            await AssertUnavailableAsync(() => http.PostAsJsonAsync("/v1/usage", Usage("e1-" + customer, customer, 30)));
            await AssertUnavailableAsync(() => http.PostAsJsonAsync("/v1/customers", new { customerId = newcomer, planId = "hobby" }));
            await Eventually.True(async () => (await http.GetAsync("/health/ready")).StatusCode == HttpStatusCode.ServiceUnavailable,
                TimeSpan.FromSeconds(30), "/health/ready reports PostgreSQL unhealthy");
        }
        finally { system.Postgres.Restore(); }

        // Nothing of the refused requests was written: no debit, no registration, no message waiting in the outbox.
        Assert.Equal(200, await system.Accounts.AvailableAsync(customer));
        Assert.Null(await system.Accounts.AvailableOrNullAsync(newcomer));
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM customer_lifecycle_saga WHERE customer_id = @id", newcomer));
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM outbox_message WHERE body LIKE '%' || @id || '%'", newcomer));

        // Back: the same requests work, once each.
        await Eventually.True(async () => (await http.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK, Recovery, "ready again");
        var balance = await Eventually.Get(() => http.GetAsync($"/v1/customers/{customer}/balance"), r => r.StatusCode == HttpStatusCode.OK, Recovery);
        Assert.Equal(200, (await balance.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("available").GetInt64());
        var usage = await http.PostAsJsonAsync("/v1/usage", Usage("e1-" + customer, customer, 30));
        Assert.Equal(HttpStatusCode.OK, usage.StatusCode);
        Assert.Equal(1, (await usage.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("applied").GetInt32());
        Assert.Equal(170, await system.Accounts.AvailableAsync(customer));
        var books = await system.Accounts.BooksAsync(customer);
        Assert.Equal(books.SumOfEntries, books.Column);
        Assert.Equal(HttpStatusCode.Accepted, (await http.PostAsJsonAsync("/v1/customers", new { customerId = newcomer, planId = "hobby" })).StatusCode);
        await Eventually.True(async () => await system.Accounts.AvailableOrNullAsync(newcomer) == 200, Recovery, "the newcomer is registered once back");
    }

    [Fact]
    public async Task While_RabbitMQ_is_out_the_API_keeps_accepting_through_the_outbox_and_nothing_is_lost()
    {
        var newcomer = "mqout-" + Guid.NewGuid().ToString("N");
        using var http = system.Client();

        system.RabbitMq.Cut();
        try
        {
            // The Gateway publishes through its PostgreSQL outbox: the command is stored with the request and waits.
            var accepted = await http.PostAsJsonAsync("/v1/customers", new { customerId = newcomer, planId = "hobby" });
            output.WriteLine(await accepted.Content.ReadAsStringAsync());
            Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
            // Stored with the request in the shared outbox. Every instance relays that outbox (nothing assumes one
            // instance), so the Orchestrator, whose connection is not cut, may send it on at once: the command is either
            // still waiting there or already registered (or between the two, on the broker), never lost.
            await Eventually.True(async () =>
                await CountAsync("SELECT count(*) FROM outbox_message WHERE body LIKE '%' || @id || '%'", newcomer)
                + await CountAsync("SELECT count(*) FROM customer_lifecycle_saga WHERE customer_id = @id", newcomer) == 1,
                Recovery, "the command is in the outbox or registered");
            // The console reads the error queues over its own connection: it says RabbitMQ could not be reached, not a 500.
            var console = await http.GetAsync("/console/api/dead-letters");
            Assert.Equal(HttpStatusCode.OK, console.StatusCode);
            Assert.Contains("could not be reached", await console.Content.ReadAsStringAsync());
            // The Gateway's readiness does not hang on RabbitMQ: it has no receive endpoint and still serves (decision in
            // docs/security/outages.md).
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/ready")).StatusCode);
        }
        finally { system.RabbitMq.Restore(); }

        await Eventually.True(async () => await system.Accounts.AvailableOrNullAsync(newcomer) == 200, Recovery,
            "the registration accepted during the outage is delivered, by whichever instance's relay reached RabbitMQ");
        Assert.Equal(1, await CountAsync("SELECT count(*) FROM customer_lifecycle_saga WHERE customer_id = @id", newcomer));
    }

    async Task AssertUnavailableAsync(Func<Task<HttpResponseMessage>> send)
    {
        using var response = await send();
        var body = await response.Content.ReadAsStringAsync();
        output.WriteLine($"{(int)response.StatusCode} {body}");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(TimeSpan.FromSeconds(5), response.Headers.RetryAfter?.Delta);
        Assert.Equal(503, JsonDocument.Parse(body).RootElement.GetProperty("status").GetInt32());
    }

    /// <summary>A count read directly from the system's database (not through the Gateway's relay).</summary>
    async Task<long> CountAsync(string sql, string id)
    {
        await using var connection = new NpgsqlConnection(system.Infrastructure.Database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("id", id);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
