using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Credits.StripeEmulator.Tests.Support;

/// <summary>A local HTTP endpoint that records webhook deliveries; can refuse the first N of them.</summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    public sealed record Delivery(string Payload, string Signature, DateTimeOffset At);

    private readonly WebApplication _app;
    private int _refusalsLeft;

    private WebhookReceiver(WebApplication app) => _app = app;

    public ConcurrentQueue<Delivery> Received { get; } = new();

    public ConcurrentQueue<DateTimeOffset> Refused { get; } = new();

    public string Url { get; private set; } = "";

    public void RefuseNext(int count) => Interlocked.Exchange(ref _refusalsLeft, count);

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/webhooks", async (HttpContext http) =>
        {
            using var reader = new StreamReader(http.Request.Body);
            var payload = await reader.ReadToEndAsync();
            if (Interlocked.Decrement(ref receiver._refusalsLeft) >= 0)
            {
                receiver.Refused.Enqueue(DateTimeOffset.UtcNow);
                return Results.StatusCode(503);
            }
            receiver.Received.Enqueue(new Delivery(payload, http.Request.Headers["Stripe-Signature"].ToString(), DateTimeOffset.UtcNow));
            return Results.Ok();
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
