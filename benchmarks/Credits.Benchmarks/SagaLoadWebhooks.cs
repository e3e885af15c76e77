using Credits.StripeEmulator.Hosting;
using Credits.StripeEmulator.Webhooks;
using Microsoft.Extensions.DependencyInjection;
using Stripe;

namespace Credits.Benchmarks;

/// <summary>
/// The emulator's webhook deliveries to the Gateway during the load: how many, how fast, and how long the
/// checkout.session.completed events waited between their creation and their delivery. Checkout top-ups only
/// finish through that webhook, so this says how much of their latency is the delivery queue (the emulator
/// delivers up to its WebhookConcurrency at once; SagaLoadSystem sets 16).
/// </summary>
public static class SagaLoadWebhooks
{
    public static async Task ReportAsync(BenchmarkContext context, RunningEmulator emulator, StripeClient stripe, DateTimeOffset since,
        CancellationToken ct)
    {
        var concurrency = emulator.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<EmulatorOptions>>().Value.WebhookConcurrency;
        var attempts = emulator.Services.GetRequiredService<WebhookDispatcher>().Attempts.Where(a => a.At >= since).ToList();
        if (attempts.Count == 0) return;
        var span = (attempts.Max(a => a.At) - attempts.Min(a => a.At)).TotalSeconds;
        context.Report("webhook deliveries to the Gateway during the load", attempts.Count, "deliveries",
            $"{attempts.Select(a => a.EventId).Distinct().Count():N0} events, {attempts.Count(a => !a.Succeeded):N0} failed attempts, " +
            $"{attempts.Count / Math.Max(span, 0.001):N1}/s over {span:N0} s, up to {concurrency} at once");

        var delivered = attempts.Where(a => a.EventType == "checkout.session.completed" && a.Succeeded)
            .GroupBy(a => a.EventId).ToDictionary(g => g.Key, g => g.Min(a => a.At));
        var lags = new List<double>();
        await foreach (var e in stripe.V1.Events.ListAutoPagingAsync(new() { Type = "checkout.session.completed", Limit = 100 }, cancellationToken: ct))
            if (delivered.TryGetValue(e.Id, out var at))
                lags.Add((at - new DateTimeOffset(e.Created, TimeSpan.Zero)).TotalSeconds);
        if (lags.Count == 0) return;
        lags.Sort();
        context.Report("checkout.session.completed: created to delivered, median", lags[lags.Count / 2], "s",
            $"{lags.Count:N0} events, max {lags[^1]:N0} s (event times have whole seconds)");
    }
}
