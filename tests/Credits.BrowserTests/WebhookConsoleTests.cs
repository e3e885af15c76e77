using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Credits.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;
using Xunit;

namespace Credits.BrowserTests;

/// <summary>
/// The system with http receivers allowed and a webhook retry window of seconds instead of 25 hours, so a delivery to
/// a receiver that keeps failing gives up within the test.
/// </summary>
public sealed class ShortWebhookWindowSystem : BrowserSystem
{
    protected override void Configure(Dictionary<string, string> environment) => environment.WithQuickWebhooks(retryFor: TimeSpan.FromSeconds(4));
}

/// <summary>
/// The console's webhook deliveries (docs/webhooks.md) in a real browser: a receiver that answers 503 for longer than
/// the retry window leaves a failed delivery; the operator finds it on the console and replays it with a reason; the
/// receiver, now up, gets the same event id, and the operator log records who and why.
/// </summary>
public class WebhookConsoleTests(ShortWebhookWindowSystem system) : IClassFixture<ShortWebhookWindowSystem>, IAsyncLifetime
{
    readonly int _port = HostProcess.FreePort();
    readonly ConcurrentQueue<(int Status, string EventId)> _received = new();
    volatile bool _up;
    WebApplication? _receiver;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{_port}");
        builder.Logging.ClearProviders();
        _receiver = builder.Build();
        _receiver.MapPost("/hook", async (HttpRequest request) =>
        {
            var body = await JsonSerializer.DeserializeAsync<JsonElement>(request.Body);
            var status = _up ? 200 : 503;
            _received.Enqueue((status, body.GetProperty("id").GetString()!));
            return Results.StatusCode(status);
        });
        await _receiver.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_receiver is not null) await _receiver.DisposeAsync();
    }

    [Fact]
    public async Task A_delivery_that_gave_up_is_replayed_from_the_console_with_the_same_event_id_and_logged()
    {
        using var client = system.Client();
        var registered = await client.PostAsJsonAsync("/v1/webhook-endpoints",
            new { url = $"http://127.0.0.1:{_port}/hook", eventTypes = new[] { "credits.exhausted" } });
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        var endpointId = (await registered.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("endpoint").GetProperty("id").GetGuid();

        var customer = "hook-ui-" + Guid.NewGuid().ToString("N")[..12];
        await system.Accounts.OpenAsync(customer, "hobby"); // 200 credits, no overage
        var usage = await client.PostAsJsonAsync("/v1/usage", new { events = new[] { new { eventId = customer + "-all", customerId = customer, credits = 200 } } });
        Assert.Equal(HttpStatusCode.OK, usage.StatusCode);

        // The receiver answers 503 throughout the retry window: the delivery gives up as failed after several attempts.
        var failed = await Eventually.Get(
            async () => (await client.GetFromJsonAsync<List<JsonElement>>($"/v1/webhook-endpoints/{endpointId}/deliveries"))!,
            d => d.Count == 1 && d[0].GetProperty("status").GetString() == "failed", TimeSpan.FromSeconds(60), "the delivery gives up");
        var eventId = failed[0].GetProperty("eventId").GetString()!;
        Assert.True(failed[0].GetProperty("attempts").GetInt32() >= 2);
        Assert.Equal(503, failed[0].GetProperty("lastStatusCode").GetInt32());
        Assert.All(_received, r => Assert.Equal((503, eventId), r));
        _up = true;

        var page = await system.NewPageAsync();
        await page.GotoAsync(new Uri(system.Gateway.BaseAddress, "/console").ToString());
        await page.GetByLabel("API key").FillAsync(BrowserSystem.ApiKey);
        await page.GetByRole(AriaRole.Button, new() { Name = "Open the console" }).ClickAsync();

        var row = page.Locator("#webhook-deliveries tr", new() { HasText = eventId });
        await Assertions.Expect(row).ToContainTextAsync("failed");
        await Assertions.Expect(row).ToContainTextAsync("HTTP 503");
        var replay = row.GetByRole(AriaRole.Button, new() { Name = $"Replay credits.exhausted {eventId}" });

        // Without a name and a reason the console refuses before anything is sent.
        await replay.ClickAsync();
        await Assertions.Expect(page.Locator("#problem")).ToContainTextAsync("Type your name first");
        await page.GetByLabel("Your name").FillAsync("dana");
        await replay.ClickAsync();
        await Assertions.Expect(page.Locator("#problem")).ToContainTextAsync("Say why");
        Assert.DoesNotContain(_received, r => r.Status == 200);

        await page.GetByLabel("Why replay").FillAsync("the app's receiver was down for a deploy");
        await replay.ClickAsync();
        await Assertions.Expect(page.GetByText($"Replaying credits.exhausted {eventId}")).ToBeVisibleAsync();

        var delivered = await Eventually.Get(() => Task.FromResult(_received.Where(r => r.Status == 200).ToList()), r => r.Count >= 1,
            TimeSpan.FromSeconds(30), "the replayed delivery reaches the receiver");
        Assert.Equal(eventId, Assert.Single(delivered).EventId);
        await Assertions.Expect(page.Locator("#operator-log")).ToContainTextAsync("replay-webhook-delivery");
        await Assertions.Expect(page.Locator("#operator-log")).ToContainTextAsync("the app's receiver was down for a deploy");

        // Shown as delivered once the page reads it again.
        await page.Locator("#webhook-status").SelectOptionAsync("delivered");
        await Assertions.Expect(page.Locator("#webhook-deliveries tr", new() { HasText = eventId })).ToContainTextAsync("delivered");
        await Accessibility.AssertNoViolationsAsync(page);
    }
}
