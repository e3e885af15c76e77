using System.Diagnostics.Metrics;

namespace Credits.Messaging.Tests;

/// <summary>
/// What the outbox relay and the scheduler report as postponed (<see cref="DeliveryMetrics"/>) from its creation on, in
/// this process, read as an exporter would read it. Other test classes may add to it while it listens, never take away.
/// </summary>
sealed class PostponedSends : IDisposable
{
    readonly MeterListener _listener = new();
    long _outboxUnits, _scheduledMessages;

    public PostponedSends()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == DeliveryMetrics.MeterName) listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
        {
            if (instrument.Name == DeliveryMetrics.OutboxUnitsPostponedName) Interlocked.Add(ref _outboxUnits, value);
            else if (instrument.Name == DeliveryMetrics.ScheduledMessagesPostponedName) Interlocked.Add(ref _scheduledMessages, value);
        });
        _listener.Start();
    }

    public long OutboxUnits => Interlocked.Read(ref _outboxUnits);

    public long ScheduledMessages => Interlocked.Read(ref _scheduledMessages);

    public void Dispose() => _listener.Dispose();
}
