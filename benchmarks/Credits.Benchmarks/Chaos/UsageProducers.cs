using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Credits.Contracts.Usage;
using MassTransit;

namespace Credits.Benchmarks.Chaos;

/// <summary>
/// The services that report usage, as real producers behave: on the bus, single <see cref="UsageRecorded"/> messages
/// and <see cref="UsageBatchRecorded"/> batches of 100, published with broker confirms and re-published (same ids)
/// until confirmed; over HTTP, batches of 50 through the load balancer, re-sent (same ids) on a 502, a 503 (after its
/// Retry-After), a 500 or no answer. About 5 % of acknowledged events are sent again on purpose, on any channel. The
/// HTTP callers are paced on their own, not by the bus: they keep coming while the bus is backed up.
/// </summary>
public sealed class UsageProducers(ChaosSystem system, UsageBook book, Stopwatch clock)
{
    const int BatchSize = 100;
    const int HttpBatchSize = 50;

    readonly List<string> _serverErrors = [];

    /// <summary>The first few 500 answers' bodies, for the report.</summary>
    public IReadOnlyList<string> ServerErrors { get { lock (_serverErrors) return [.. _serverErrors]; } }

    /// <summary>Runs until every event of the book is acknowledged. Shares: bus single 30 %, bus batches 50 %, HTTP 20 % (by the workers' pacing).</summary>
    public Task RunAsync(double eventsPerSecond, CancellationToken ct)
    {
        var single = new Pacer(eventsPerSecond * 0.3, clock);
        var batched = new Pacer(eventsPerSecond * 0.5, clock);
        var http = new Pacer(eventsPerSecond * 0.2, clock);
        return Task.WhenAll(
            Task.WhenAll(Enumerable.Range(0, 24).Select(_ => Task.Run(() => SingleAsync(single, ct), ct))),
            Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => BatchesAsync(batched, ct), ct))),
            Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => HttpAsync(http, ct), ct))));
    }

    async Task SingleAsync(Pacer pacer, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            var n = book.TakeResend() is var r and >= 0 ? r : book.Take();
            if (n < 0) return;
            await pacer.WaitAsync(1, ct);
            var message = book.Event(n);
            await PublishUntilConfirmedAsync(token => system.Bus.Publish(message, token), 1, ct);
            book.Acknowledge(n);
        }
    }

    async Task BatchesAsync(Pacer pacer, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            var numbers = Draw(BatchSize);
            if (numbers.Count == 0) return;
            await pacer.WaitAsync(numbers.Count, ct);
            var batch = new UsageBatchRecorded { BatchId = Guid.NewGuid(), Events = numbers.Select(book.Event).ToList() };
            await PublishUntilConfirmedAsync(token => system.Bus.Publish(batch, token), numbers.Count, ct);
            foreach (var n in numbers) book.Acknowledge(n);
        }
    }

    async Task HttpAsync(Pacer pacer, CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = system.Balancer.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ChaosSystem.ApiKey);
        while (!ct.IsCancellationRequested)
        {
            var numbers = Draw(HttpBatchSize);
            if (numbers.Count == 0) return;
            await pacer.WaitAsync(numbers.Count, ct);
            var request = new
            {
                events = numbers.Select(n => book.Event(n)).Select(e => new { e.EventId, e.CustomerId, e.Credits, e.OccurredAt, e.Feature }).ToList(),
            };
            while (!ct.IsCancellationRequested)
            {
                var wait = TimeSpan.FromSeconds(1);
                try
                {
                    using var response = await http.PostAsJsonAsync("v1/usage", request, ct);
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        var body = await response.Content.ReadFromJsonAsync<UsageResponse>(ct);
                        foreach (var result in body!.Results)
                        {
                            if (result.Status is "applied" or "duplicate") book.Acknowledge(book.Number(result.EventId));
                            else book.Reject();
                        }
                        break;
                    }
                    switch ((int)response.StatusCode)
                    {
                        case 503:
                            book.Answered503();
                            wait = response.Headers.RetryAfter?.Delta ?? wait;
                            break;
                        case 502:
                            book.Answered502();
                            break;
                        case 500:
                            book.Answered500();
                            var text = await response.Content.ReadAsStringAsync(ct);
                            lock (_serverErrors) if (_serverErrors.Count < 5) _serverErrors.Add($"{clock.Elapsed.TotalSeconds:N0} s: {text}");
                            break;
                        default:
                            // A caller's mistake would be a defect of this producer: say it and stop re-sending it.
                            var refusal = await response.Content.ReadAsStringAsync(ct);
                            lock (_serverErrors) _serverErrors.Add($"{clock.Elapsed.TotalSeconds:N0} s: {(int)response.StatusCode} {refusal}");
                            foreach (var _ in numbers) book.Reject();
                            goto next;
                    }
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException && !ct.IsCancellationRequested)
                {
                    book.TimedOut();
                }
                book.Retried(numbers.Count);
                await Task.Delay(wait, ct);
            }
            next: ;
        }
    }

    /// <summary>Up to n events for one message: new ones, with the re-sends waiting mixed in (never the same event twice in one message).</summary>
    List<int> Draw(int n)
    {
        var numbers = new HashSet<int>();
        while (numbers.Count < n)
        {
            var next = book.TakeResend() is var r and >= 0 ? r : book.Take();
            if (next < 0) break;
            numbers.Add(next);
        }
        return [.. numbers];
    }

    async Task PublishUntilConfirmedAsync(Func<CancellationToken, Task> publish, int events, CancellationToken ct)
    {
        while (true)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(30));
            try
            {
                await publish(timeout.Token);
                return;
            }
            catch (Exception) when (!ct.IsCancellationRequested)
            {
                // The broker is restarting or the confirm never came: the producer does not know, so it publishes again (same ids).
                book.PublishFailed();
                book.Retried(events);
                await Task.Delay(TimeSpan.FromSeconds(1), ct);
            }
        }
    }

    sealed record UsageResponse(int Applied, int Duplicates, int Rejected, List<UsageResult> Results);
    sealed record UsageResult(string EventId, string Status, string? ReasonCode, string? Reason);

    /// <summary>Keeps a worker group at a rate: sent so far never runs ahead of rate x elapsed.</summary>
    sealed class Pacer(double perSecond, Stopwatch clock)
    {
        long _sent;

        public async Task WaitAsync(int count, CancellationToken ct)
        {
            var sent = Interlocked.Add(ref _sent, count);
            var due = TimeSpan.FromSeconds(sent / perSecond);
            var ahead = due - clock.Elapsed;
            if (ahead > TimeSpan.Zero) await Task.Delay(ahead, ct);
        }
    }
}
