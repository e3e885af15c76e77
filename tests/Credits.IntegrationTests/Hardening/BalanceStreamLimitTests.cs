using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Credits.Testing;
using Xunit;

namespace Credits.IntegrationTests.Hardening;

/// <summary>
/// Balance streams hold a connection, a listener entry and a database read per change for as long as they are open:
/// their number is capped per customer and in all, a portal stream ends when its token expires, and the listener
/// forgets a customer once the customer's last stream has closed.
/// </summary>
[Collection(AbuseCollection.Name)]
public class BalanceStreamLimitTests(AbuseSystem system) : IAsyncLifetime
{
    public Task InitializeAsync() => NoStreamsLeftAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task The_listener_forgets_every_customer_whose_streams_have_closed()
    {
        // More customers than the cap allows at once: five at a time, each opened, read and closed.
        var customers = Enumerable.Range(0, 12).Select(i => $"leak-{i}-{Guid.NewGuid():N}").ToList();
        foreach (var customer in customers) await system.Accounts.OpenAsync(customer, "hobby");
        foreach (var batch in customers.Chunk(AbuseSystem.StreamsInAll))
        {
            var streams = new List<OpenStream>();
            foreach (var customer in batch) streams.Add(await OpenAsync($"/v1/customers/{customer}/balance/stream"));
            Assert.Equal(batch.Length, (await CountsAsync()).Customers);
            foreach (var stream in streams) stream.Dispose();
            await NoStreamsLeftAsync();
        }
        // An unknown customer's stream is refused (404) after the listener was asked: that entry goes too.
        using var http = system.Client();
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync($"/v1/customers/nobody-{Guid.NewGuid():N}/balance/stream")).StatusCode);
        await NoStreamsLeftAsync();
    }

    [Fact]
    public async Task A_customer_beyond_its_stream_cap_gets_429_until_one_closes()
    {
        var customer = $"cap-{Guid.NewGuid():N}";
        await system.Accounts.OpenAsync(customer, "hobby");
        var open = new List<OpenStream>();
        for (var i = 0; i < AbuseSystem.StreamsPerCustomer; i++) open.Add(await OpenAsync($"/v1/customers/{customer}/balance/stream"));

        using var http = system.Client();
        var refused = await http.GetAsync($"/v1/customers/{customer}/balance/stream", HttpCompletionOption.ResponseHeadersRead);
        await AssertProblemAsync(refused, HttpStatusCode.TooManyRequests);

        // Another customer is not affected, and the customer may open one again once one of its streams is closed.
        var other = $"cap-other-{Guid.NewGuid():N}";
        await system.Accounts.OpenAsync(other, "hobby");
        open.Add(await OpenAsync($"/v1/customers/{other}/balance/stream"));
        open[0].Dispose();
        await Eventually.True(async () => (await CountsAsync()).Streams == AbuseSystem.StreamsPerCustomer, because: "the closed stream is noticed");
        open.Add(await OpenAsync($"/v1/customers/{customer}/balance/stream"));
        foreach (var stream in open) stream.Dispose();
    }

    [Fact]
    public async Task Beyond_the_cap_in_all_a_new_stream_gets_503_with_Retry_After()
    {
        var open = new List<OpenStream>();
        for (var i = 0; i < AbuseSystem.StreamsInAll; i++)
        {
            var customer = $"full-{i}-{Guid.NewGuid():N}";
            await system.Accounts.OpenAsync(customer, "hobby");
            open.Add(await OpenAsync($"/v1/customers/{customer}/balance/stream"));
        }
        var late = $"full-late-{Guid.NewGuid():N}";
        await system.Accounts.OpenAsync(late, "hobby");

        using var http = system.Client();
        var refused = await http.GetAsync($"/v1/customers/{late}/balance/stream", HttpCompletionOption.ResponseHeadersRead);
        await AssertProblemAsync(refused, HttpStatusCode.ServiceUnavailable);
        Assert.NotNull(refused.Headers.RetryAfter);
        foreach (var stream in open) stream.Dispose();
    }

    [Fact]
    public async Task A_portal_stream_ends_when_its_token_expires()
    {
        var customer = $"expiry-{Guid.NewGuid():N}";
        await system.Accounts.OpenAsync(customer, "hobby");
        var token = AbuseSystem.PortalToken(customer, DateTimeOffset.UtcNow.AddSeconds(4));
        var path = "/portal/api/balance/stream?access_token=" + Uri.EscapeDataString(token);

        using var stream = await OpenAsync(path, apiKey: null);
        // Nothing changes the balance: the stream would otherwise only send keep-alives (every 15 s) for ever.
        var rest = await stream.Reader.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Contains("event: expired", rest);
        using var http = system.Client(apiKey: null);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync(path)).StatusCode);
    }

    sealed class OpenStream(HttpClient http, HttpResponseMessage response, StreamReader reader) : IDisposable
    {
        public StreamReader Reader { get; } = reader;
        public void Dispose() { Reader.Dispose(); response.Dispose(); http.Dispose(); }
    }

    /// <summary>Opens a stream and reads its first balance event, so the Gateway holds it.</summary>
    async Task<OpenStream> OpenAsync(string path, string? apiKey = SystemUnderTest.ApiKey)
    {
        var http = system.Client(apiKey);
        http.Timeout = Timeout.InfiniteTimeSpan;
        var response = await http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead);
        if (response.StatusCode != HttpStatusCode.OK)
            Assert.Fail($"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}"); // an open stream has no end to read
        var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        while (await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(10)) is { } line && !line.StartsWith("data: ")) { }
        return new OpenStream(http, response, reader);
    }

    static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal((int)status, JsonDocument.Parse(text).RootElement.GetProperty("status").GetInt32());
    }

    record StreamCounts(int Streams, int Customers);

    async Task<StreamCounts> CountsAsync()
    {
        using var http = system.Client();
        return (await http.GetFromJsonAsync<StreamCounts>("/v1/diagnostics/balance-streams"))!;
    }

    /// <summary>The Gateway notices a closed connection a moment after the client closes it.</summary>
    Task NoStreamsLeftAsync() =>
        Eventually.Get(CountsAsync, c => c is { Streams: 0, Customers: 0 }, TimeSpan.FromSeconds(15), "every closed stream is forgotten");
}
