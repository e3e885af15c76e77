using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Credits.StripeEmulator.Tests.Support;

/// <summary>
/// A local HTTP endpoint that records webhook deliveries; can refuse the first N of them, and hold each
/// request (<see cref="Hold"/>) while it counts how many are open at once.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    public sealed record Delivery(string Payload, string Signature, DateTimeOffset At);

    private readonly WebApplication _app;
    private int _refusalsLeft;
    private int _open;
    private int _mostOpen;

    private WebhookReceiver(WebApplication app) => _app = app;

    public ConcurrentQueue<Delivery> Received { get; } = new();

    public ConcurrentQueue<DateTimeOffset> Refused { get; } = new();

    public string Url { get; private set; } = "";

    public void RefuseNext(int count) => Interlocked.Exchange(ref _refusalsLeft, count);

    /// <summary>Awaited before each request is answered, so the sender's deliveries pile up.</summary>
    public Func<Task>? Hold { get; set; }

    /// <summary>The most requests the receiver was answering at the same time.</summary>
    public int MostAtOnce => Volatile.Read(ref _mostOpen);

    private void Opened()
    {
        var open = Interlocked.Increment(ref _open);
        int most;
        while (open > (most = Volatile.Read(ref _mostOpen)) && Interlocked.CompareExchange(ref _mostOpen, open, most) != most) { }
    }

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/webhooks", async (HttpContext http) =>
        {
            receiver.Opened();
            try
            {
                if (receiver.Hold is { } hold) await hold();
                using var reader = new StreamReader(http.Request.Body);
                var payload = await reader.ReadToEndAsync();
                if (Interlocked.Decrement(ref receiver._refusalsLeft) >= 0)
                {
                    receiver.Refused.Enqueue(DateTimeOffset.UtcNow);
                    return Results.StatusCode(503);
                }
                receiver.Received.Enqueue(new Delivery(payload, http.Request.Headers["Stripe-Signature"].ToString(), DateTimeOffset.UtcNow));
                return Results.Ok();
            }
            finally
            {
                // Before the answer is written, so a sender that waits for it never sees this request still open.
                Interlocked.Decrement(ref receiver._open);
            }
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.Url = address.TrimEnd('/') + "/webhooks";
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
