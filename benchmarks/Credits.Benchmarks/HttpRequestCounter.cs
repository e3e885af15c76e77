using System.Diagnostics.Metrics;

namespace Credits.Benchmarks;

/// <summary>
/// Counts the HTTP requests this process completes while it lives (.NET's own <c>http.client.request.duration</c>
/// instrument of the System.Net.Http meter): with the emulator in process, that is the Stripe calls. Against real
/// Stripe each call costs a round trip and counts against the rate limit, so the count matters as much as the time.
/// </summary>
sealed class HttpRequestCounter : IDisposable
{
    readonly MeterListener _listener = new();
    long _count;

    public HttpRequestCounter()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument is { Meter.Name: "System.Net.Http", Name: "http.client.request.duration" }) listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<double>((_, _, _, _) => Interlocked.Increment(ref _count));
        _listener.Start();
    }

    public long Count => Interlocked.Read(ref _count);

    public void Dispose() => _listener.Dispose();
}
