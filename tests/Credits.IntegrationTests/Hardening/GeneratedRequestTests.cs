using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Credits.IntegrationTests.Hardening.Generated;
using Credits.Testing;
using CsCheck;
using Xunit;
using Xunit.Abstractions;

namespace Credits.IntegrationTests.Hardening;

/// <summary>
/// Generated bad requests against every operation of the Gateway's own OpenAPI document, on the running system
/// (issue 12): each is a valid request with one part made wrong (<see cref="BadRequests"/>). For every one the
/// Gateway answers a 4xx, never a 5xx and never a success, as problem+json (or, for what Kestrel refuses before
/// Credits runs, an empty 400), and nothing is written to the ledger or the operation requests, and nothing is
/// published (<see cref="WrittenState"/>).
/// </summary>
public class GeneratedRequestTests(GeneratedRequestTests.PortalSystem system, ITestOutputHelper output)
    : IClassFixture<GeneratedRequestTests.PortalSystem>
{
    /// <summary>The system with the customer portal configured, so that its operations are tried too.</summary>
    public sealed class PortalSystem : SystemUnderTest
    {
        protected override void Configure(Dictionary<string, string> environment) =>
            environment["Portal__SigningKey"] = "generated-requests-portal-signing-key-" + new string('k', 32);
    }

    /// <summary>
    /// Samples per operation: every operation is tried, each with this many generated requests (40 in ./test.sh;
    /// CREDITS_GENERATED_SAMPLES=400 for a deeper search).
    /// </summary>
    static readonly int SamplesPerOperation =
        int.TryParse(System.Environment.GetEnvironmentVariable("CREDITS_GENERATED_SAMPLES"), out var samples) && samples > 0 ? samples : 40;

    [Fact]
    public async Task Every_operation_refuses_generated_bad_requests_with_a_4xx_and_changes_nothing()
    {
        using var http = system.Client();
        var document = JsonNode.Parse(await http.GetStringAsync("/openapi/v1.json"))!;
        var operations = ApiOperation.Read(document);
        Assert.True(operations.Count >= 30, $"the OpenAPI document lists {operations.Count} operations");
        var context = await ContextAsync(http);
        await QuietAsync();

        var failures = new List<string>();
        var tried = 0;
        foreach (var operation in operations)
        {
            try
            {
                await BadRequests.For(operation, context).SampleAsync(async request =>
                {
                    Interlocked.Increment(ref tried);
                    try
                    {
                        await AssertRefusedAsync(request);
                    }
                    catch (Xunit.Sdk.XunitException e)
                    {
                        // Every failing sample is kept (CsCheck reports only its smallest), and the system is let settle
                        // so that what an accepted request set going is not blamed on the next one.
                        if (failures.Count < 40) failures.Add($"{request}\n  -> {e.Message}");
                        await QuietAsync();
                        throw;
                    }
                }, iter: SamplesPerOperation, threads: 1, print: r => r.ToString());
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                failures.Add($"{operation}: {e.Message.Split('\n')[0]}");
            }
        }

        output.WriteLine($"{tried} generated requests over {operations.Count} operations");
        Assert.True(failures.Count == 0, string.Join("\n\n", failures));
    }

    async Task AssertRefusedAsync(BadRequest request)
    {
        var before = await WrittenState.ReadAsync(system.Accounts);
        using var http = system.Client(apiKey: null);
        using var message = new HttpRequestMessage(new HttpMethod(request.Method), request.Url);
        if (request.Body is not null) message.Content = new StringContent(request.Body, Encoding.UTF8, "application/json");
        foreach (var (name, value) in request.Headers) message.Headers.TryAddWithoutValidation(name, value);

        // Headers only: a stream that (wrongly) opened would never end.
        using var response = await http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead);
        var status = (int)response.StatusCode;
        var text = request.Operation.Streams && response.IsSuccessStatusCode ? "(a stream)" : await response.Content.ReadAsStringAsync();

        var everyEventRejected = EveryEventRejected(request, status, text);
        if (status is < 400 or >= 500 && !everyEventRejected)
            throw new Xunit.Sdk.XunitException($"answered {status}: {Shorten(text)}");
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        if (text.Length > 0 && mediaType != "application/problem+json" && !everyEventRejected)
            throw new Xunit.Sdk.XunitException($"answered {status} as {mediaType}, not problem+json: {Shorten(text)}");
        if (text.Contains("Exception", StringComparison.Ordinal) || text.Contains("   at ", StringComparison.Ordinal))
            throw new Xunit.Sdk.XunitException($"answered {status} with exception text: {Shorten(text)}");
        var after = await WrittenState.ReadAsync(system.Accounts);
        // A rejected event is announced (UsageRejected, through the outbox), so only the ledger must stay as it was.
        if (everyEventRejected) (before, after) = (before[..before.LastIndexOf('/')], after[..after.LastIndexOf('/')]);
        if (after != before)
            throw new Xunit.Sdk.XunitException($"answered {status} but wrote or published: {before} -> {after}");
    }

    /// <summary>A registered Hobby customer with an open reservation and a portal token, so that bad requests reach the checks past "no such customer".</summary>
    async Task<RequestContext> ContextAsync(HttpClient http)
    {
        var customer = $"generated-{Guid.NewGuid():N}"[..30];
        var registered = await http.PostAsJsonAsync("/v1/customers", new { customerId = customer, email = "generated@example.com", planId = "hobby" });
        Assert.True(registered.IsSuccessStatusCode, await registered.Content.ReadAsStringAsync());
        await Eventually.Get(async () =>
            {
                var response = await http.GetAsync($"/v1/customers/{customer}");
                return response.IsSuccessStatusCode
                    ? JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("state").GetString()
                    : $"{(int)response.StatusCode}";
            },
            state => state == "active", TimeSpan.FromSeconds(60), "the generated requests' customer is registered");
        await Eventually.Get(() => system.Accounts.AvailableOrNullAsync(customer), available => available > 0, TimeSpan.FromSeconds(60),
            "the customer's allowance is granted");

        using var reserve = new HttpRequestMessage(HttpMethod.Post, $"/v1/customers/{customer}/reservations")
        {
            Content = JsonContent.Create(new { credits = 1, timeToLiveSeconds = 3600 }),
            Headers = { { "Idempotency-Key", $"generated-{Guid.NewGuid():N}" } },
        };
        var reserved = await http.SendAsync(reserve);
        Assert.True(reserved.IsSuccessStatusCode, await reserved.Content.ReadAsStringAsync());
        var reservationId = JsonDocument.Parse(await reserved.Content.ReadAsStringAsync()).RootElement.GetProperty("reservationId").GetGuid();

        var session = await http.PostAsync($"/v1/customers/{customer}/portal-sessions", null);
        Assert.True(session.IsSuccessStatusCode, await session.Content.ReadAsStringAsync());
        var url = JsonDocument.Parse(await session.Content.ReadAsStringAsync()).RootElement.GetProperty("url").GetString()!;
        var token = Uri.UnescapeDataString(url[(url.IndexOf("token=", StringComparison.Ordinal) + "token=".Length)..]);
        return new RequestContext(customer, token, reservationId, SystemUnderTest.ApiKey);
    }

    /// <summary>
    /// POST /v1/usage answers 200 with a result per event, and an event the ledger refuses (no event id, credits not
    /// positive) is one of those results, "rejected" with its reason (README, the API table): the request as a whole was
    /// understood. That is a refusal too, provided every event was rejected and the ledger is unchanged.
    /// </summary>
    static bool EveryEventRejected(BadRequest request, int status, string text)
    {
        if (request.Operation.Path != "/v1/usage" || status != 200) return false;
        var results = JsonDocument.Parse(text).RootElement.GetProperty("results");
        return results.GetArrayLength() > 0 && results.EnumerateArray().All(r => r.GetProperty("status").GetString() == "rejected");
    }

    /// <summary>
    /// Waits until the registration's sagas have stopped publishing (nothing written for two seconds): the outbox is
    /// shared with the Orchestrator, so its work would otherwise show as a refused request's.
    /// </summary>
    async Task QuietAsync()
    {
        var last = await WrittenState.ReadAsync(system.Accounts);
        var quietSince = DateTime.UtcNow;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow - quietSince < TimeSpan.FromSeconds(2) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
            var now = await WrittenState.ReadAsync(system.Accounts);
            if (now != last) (last, quietSince) = (now, DateTime.UtcNow);
        }
    }

    static string Shorten(string text) => text.Length > 400 ? text[..400] + "..." : text;
}
