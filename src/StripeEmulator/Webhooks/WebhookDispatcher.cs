using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Credits.StripeEmulator.Hosting;
using Credits.StripeEmulator.State;
using Microsoft.Extensions.Options;

namespace Credits.StripeEmulator.Webhooks;

/// <summary>
/// Delivers signed events in the background, as Stripe does (https://docs.stripe.com/webhooks): in no
/// guaranteed order (each delivery waits a random time within the reorder window), now and then twice,
/// a failed attempt retried on Stripe's schedule (<see cref="WebhookRetries"/>) without holding up later
/// events, each rendered in its endpoint's API version, <c>WebhookConcurrency</c> of them in flight at
/// once. The draws come from one random source, seeded by <c>WebhookSeed</c> when a run must be repeatable.
/// </summary>
public sealed class WebhookDispatcher(
    EmulatorStore store,
    IOptions<EmulatorOptions> options,
    IHttpClientFactory httpClients,
    TimeProvider time,
    ILogger<WebhookDispatcher> logger) : BackgroundService
{
    private sealed record Delivery(WebhookTarget Target, string EventId, string EventType, string Payload, int Attempt);

    private readonly Channel<Delivery> _queue = Channel.CreateUnbounded<Delivery>();
    // Failed deliveries waiting out their backoff, so that RetryWaitingNow can send them at once; whoever takes a
    // delivery out (its timer or RetryWaitingNow) sends it, so it is sent once.
    private readonly ConcurrentDictionary<long, Delivery> _waitingRetries = new();
    private long _retryNumber;
    private readonly Random _random = options.Value.WebhookSeed is { } seed ? new Random(seed) : new Random();
    private readonly Lock _randomGate = new();
    private int _inFlight;

    public ConcurrentQueue<DeliveryAttempt> Attempts { get; } = new();

    public DeliveryChaos Chaos { get; } = new(options.Value.WebhookDuplicateRate, options.Value.WebhookReorderWindow);

    /// <summary>Deliveries queued, waiting for a retry or being sent.</summary>
    public int Pending => Volatile.Read(ref _inFlight);

    public IReadOnlyList<WebhookTarget> TargetsFor(string eventType)
    {
        var account = options.Value.AccountApiVersion;
        var targets = new List<WebhookTarget>();
        if (options.Value.WebhookUrl is { Length: > 0 } url)
            targets.Add(new WebhookTarget(url, options.Value.WebhookSecret, null, account));
        foreach (var endpoint in store.All("webhook_endpoint"))
        {
            if ((string?)endpoint["status"] != "enabled") continue;
            var enabled = endpoint["enabled_events"]!.AsArray().Select(e => (string?)e).ToList();
            if (enabled.Contains("*") || enabled.Contains(eventType))
                targets.Add(new WebhookTarget((string)endpoint["url"]!, (string)endpoint["secret"]!, (string)endpoint["id"]!,
                    (string?)endpoint["api_version"] ?? account));
        }
        return targets;
    }

    public void Enqueue(JsonObject evt, IReadOnlyList<WebhookTarget> targets)
    {
        foreach (var target in targets)
        {
            var delivery = new Delivery(target, (string)evt["id"]!, (string)evt["type"]!, Render(evt, target), 1);
            Schedule(delivery, ChaosDelay());
            if (Draw() < Chaos.DuplicateRate) Schedule(delivery, ChaosDelay() + TimeSpan.FromMilliseconds(50));
        }
    }

    /// <summary>The event as its endpoint receives it: in the endpoint's API version (only the field differs; see <see cref="ApiVersions"/>).</summary>
    private static string Render(JsonObject evt, WebhookTarget target)
    {
        if ((string?)evt["api_version"] == target.ApiVersion) return evt.ToJsonString();
        var rendered = (JsonObject)evt.DeepClone();
        rendered["api_version"] = target.ApiVersion;
        return rendered.ToJsonString();
    }

    public void ClearLog() => Attempts.Clear();

    /// <summary>
    /// Sends every failed delivery that waits for its retry now, instead of at the end of its backoff; returns how many.
    /// Stripe does not publish its retry intervals (https://docs.stripe.com/webhooks#automatic-retries), so an earlier
    /// retry is one Stripe could make: a test that took the receiver down and brought it back uses this rather than
    /// wait out a backoff that has grown while it was down.
    /// </summary>
    public int RetryWaitingNow()
    {
        var sent = 0;
        foreach (var number in _waitingRetries.Keys)
        {
            if (!_waitingRetries.TryRemove(number, out var delivery)) continue;
            _queue.Writer.TryWrite(delivery);
            sent++;
        }
        return sent;
    }

    private double Draw()
    {
        lock (_randomGate) return _random.NextDouble();
    }

    private TimeSpan ChaosDelay() => Chaos.ReorderWindow > TimeSpan.Zero
        ? TimeSpan.FromMilliseconds(Draw() * Chaos.ReorderWindow.TotalMilliseconds)
        : TimeSpan.Zero;

    /// <summary>Queues a delivery after <paramref name="delay"/>; a retry (attempt 2 on) waits where <see cref="RetryWaitingNow"/> finds it.</summary>
    private void Schedule(Delivery delivery, TimeSpan delay)
    {
        Interlocked.Increment(ref _inFlight);
        if (delay <= TimeSpan.Zero)
        {
            _queue.Writer.TryWrite(delivery);
            return;
        }
        if (delivery.Attempt == 1)
        {
            _ = Task.Delay(delay, time).ContinueWith(_ => _queue.Writer.TryWrite(delivery), TaskScheduler.Default);
            return;
        }
        var number = Interlocked.Increment(ref _retryNumber);
        _waitingRetries[number] = delivery;
        _ = Task.Delay(delay, time).ContinueWith(_ =>
        {
            if (_waitingRetries.TryRemove(number, out var due)) _queue.Writer.TryWrite(due);
        }, TaskScheduler.Default);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var http = httpClients.CreateClient(nameof(WebhookDispatcher));
        // Stripe has many deliveries to an endpoint in flight at once; each worker sends one at a time.
        return Task.WhenAll(Enumerable.Range(0, options.Value.WebhookConcurrency).Select(_ => DeliverAsync(http, stoppingToken)));
    }

    private async Task DeliverAsync(HttpClient http, CancellationToken stoppingToken)
    {
        await foreach (var delivery in _queue.Reader.ReadAllAsync(stoppingToken))
        {
            var (status, error) = await SendAsync(http, delivery, stoppingToken);
            Attempts.Enqueue(new DeliveryAttempt(delivery.EventId, delivery.EventType, delivery.Target.Url,
                delivery.Attempt, status, error, time.GetUtcNow()));
            var ok = status is >= 200 and < 300;
            if (!ok && WebhookRetries.NextDelay(delivery.Attempt, options.Value) is { } backoff)
            {
                Schedule(delivery with { Attempt = delivery.Attempt + 1 }, backoff);
            }
            else if (!ok)
            {
                logger.LogWarning("Gave up delivering {EventId} to {Url} after {Attempts} attempts",
                    delivery.EventId, delivery.Target.Url, delivery.Attempt);
            }
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private async Task<(int? Status, string? Error)> SendAsync(HttpClient http, Delivery delivery, CancellationToken ct)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, delivery.Target.Url)
            {
                Content = new StringContent(delivery.Payload, Encoding.UTF8, "application/json"),
            };
            var signature = WebhookSignature.Header(delivery.Payload, delivery.Target.Secret, time.GetUtcNow().ToUnixTimeSeconds());
            request.Headers.TryAddWithoutValidation("Stripe-Signature", signature);
            request.Headers.TryAddWithoutValidation("User-Agent", "Stripe/1.0 (+https://stripe.com/docs/webhooks)");
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(10));
            using var response = await http.SendAsync(request, timeout.Token);
            return ((int)response.StatusCode, null);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            // Any failure (refused, timed out, bad URL) is a failed attempt; it must not stop the delivery loop.
            return (null, e.Message);
        }
    }
}
