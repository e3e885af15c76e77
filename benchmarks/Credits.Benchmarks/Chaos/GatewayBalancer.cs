using System.Net;
using System.Net.Sockets;
using Credits.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Credits.Benchmarks.Chaos;

/// <summary>
/// The load balancer in front of the Gateways, as an operator would put one: round robin over the instances; a
/// connection refused (the instance is down, nothing was sent) goes to the next one; a request cut after it was sent
/// (the instance died under it) answers 502, since only the caller knows whether a re-send is safe. Stripe's
/// webhooks and the soak's HTTP callers go through it.
/// </summary>
public sealed class GatewayBalancer : IAsyncDisposable
{
    static readonly string[] Hop = ["Host", "Connection", "Transfer-Encoding", "Keep-Alive", "Content-Length"];

    readonly WebApplication _app;
    readonly Uri[] _backends;
    readonly HttpClient _http = new(new SocketsHttpHandler { MaxConnectionsPerServer = 256, PooledConnectionLifetime = TimeSpan.FromMinutes(1) })
    {
        Timeout = TimeSpan.FromSeconds(60),
    };
    int _next;
    long _refusedFailovers, _cut;

    public Uri BaseAddress { get; }
    public long RefusedFailovers => Interlocked.Read(ref _refusedFailovers);
    public long CutRequests => Interlocked.Read(ref _cut);

    GatewayBalancer(WebApplication app, Uri[] backends, Uri baseAddress) => (_app, _backends, BaseAddress) = (app, backends, baseAddress);

    public static async Task<GatewayBalancer> StartAsync(IEnumerable<int> gatewayPorts)
    {
        var port = HostProcess.FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        var balancer = new GatewayBalancer(app, gatewayPorts.Select(p => new Uri($"http://127.0.0.1:{p}/")).ToArray(), new Uri($"http://127.0.0.1:{port}/"));
        app.Run(balancer.ForwardAsync);
        await app.StartAsync();
        return balancer;
    }

    async Task ForwardAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        var start = Interlocked.Increment(ref _next);
        for (var attempt = 0; attempt < _backends.Length * 3; attempt++)
        {
            var backend = _backends[(int)((uint)(start + attempt) % _backends.Length)];
            using var request = new HttpRequestMessage(new HttpMethod(context.Request.Method), new Uri(backend, context.Request.Path + context.Request.QueryString))
            {
                Content = new ByteArrayContent(body.ToArray()),
            };
            foreach (var (name, values) in context.Request.Headers)
            {
                if (Hop.Contains(name, StringComparer.OrdinalIgnoreCase)) continue;
                if (!request.Headers.TryAddWithoutValidation(name, values.ToArray())) request.Content.Headers.TryAddWithoutValidation(name, values.ToArray());
            }
            HttpResponseMessage response;
            try
            {
                response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
            }
            catch (HttpRequestException e) when (e.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused })
            {
                Interlocked.Increment(ref _refusedFailovers);
                if (attempt >= _backends.Length - 1) await Task.Delay(200, context.RequestAborted); // every instance down: wait for one
                continue;
            }
            catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException && !context.RequestAborted.IsCancellationRequested)
            {
                Interlocked.Increment(ref _cut);
                context.Response.StatusCode = StatusCodes.Status502BadGateway;
                return;
            }
            using (response)
            {
                context.Response.StatusCode = (int)response.StatusCode;
                foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
                    if (!Hop.Contains(name, StringComparer.OrdinalIgnoreCase)) context.Response.Headers[name] = values.ToArray();
                try
                {
                    await response.Content.CopyToAsync(context.Response.Body, context.RequestAborted);
                }
                catch (Exception e) when (e is HttpRequestException or IOException)
                {
                    Interlocked.Increment(ref _cut);
                    context.Abort(); // the body was cut: the caller sees a broken response, as from the instance itself
                }
            }
            return;
        }
        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        context.Response.Headers.RetryAfter = "1";
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _http.Dispose();
    }
}
