using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Credits.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Credits.IntegrationTests.Webhooks;

/// <summary>
/// A real HTTP receiver for Credits' outgoing webhooks: Kestrel on 127.0.0.1 in the test process, one path per endpoint.
/// It records what arrives and answers <see cref="AnswerWith"/>; <see cref="StopAsync"/> and <see cref="StartAsync"/>
/// take it off the network and bring it back on the same port (a receiver that is down).
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    public sealed record Received(string Path, string EventId, string EventType, string Signature, string Body, int AnsweredWith)
    {
        public JsonElement Json => JsonDocument.Parse(Body).RootElement;
        public string CustomerId => Json.GetProperty("data").GetProperty("customerId").GetString()!;
    }

    readonly int _port = HostProcess.FreePort();
    WebApplication? _app;

    public ConcurrentQueue<Received> All { get; } = new();

    /// <summary>The status every request is answered with, per path (default 200).</summary>
    public ConcurrentDictionary<string, int> AnswerWith { get; } = new();

    /// <summary>Paths whose requests are held open, unanswered, until the task completes (a receiver that hangs).</summary>
    public ConcurrentDictionary<string, TaskCompletionSource> Hold { get; } = new();

    public string UrlFor(string path) => $"http://127.0.0.1:{_port}/{path}";

    public IReadOnlyList<Received> At(string path) => All.Where(r => r.Path == path).ToList();

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{_port}");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapPost("/{path}", async (string path, HttpRequest request) =>
        {
            using var reader = new StreamReader(request.Body, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            if (Hold.TryGetValue(path, out var hold))
            {
                try { await hold.Task.WaitAsync(request.HttpContext.RequestAborted); }
                catch (OperationCanceledException) { return Results.Empty; } // the sender gave up waiting
            }
            var status = AnswerWith.GetValueOrDefault(path, 200);
            All.Enqueue(new Received(path, request.Headers["Credits-Event-Id"].ToString(), request.Headers["Credits-Event-Type"].ToString(),
                request.Headers["Credits-Signature"].ToString(), body, status));
            return Results.StatusCode(status);
        });
        await app.StartAsync();
        _app = app;
    }

    public async Task StopAsync()
    {
        if (_app is null) return;
        await _app.StopAsync();
        await _app.DisposeAsync();
        _app = null;
    }

    /// <summary>
    /// What a receiver does with Credits-Signature (docs/webhooks.md): some v1 is HMAC-SHA256(secret, "t.body") and t is
    /// recent. Written here from the documentation, not with the server's code, so it checks the wire format.
    /// </summary>
    public static bool Verifies(string header, string body, string secret, TimeSpan? tolerance = null)
    {
        var parts = header.Split(',').Select(p => p.Split('=', 2)).Where(p => p.Length == 2).ToList();
        if (parts.FirstOrDefault(p => p[0] == "t") is not { } t || !long.TryParse(t[1], out var seconds)) return false;
        if ((DateTimeOffset.UtcNow - DateTimeOffset.FromUnixTimeSeconds(seconds)).Duration() > (tolerance ?? TimeSpan.FromMinutes(5))) return false;
        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{t[1]}.{body}"));
        return parts.Where(p => p[0] == "v1").Any(p =>
            p[1].Length == 64 && CryptographicOperations.FixedTimeEquals(Convert.FromHexString(p[1]), expected));
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}
