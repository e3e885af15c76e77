namespace Credits.StripeEmulator.State;

/// <summary>One accepted meter event. <c>ReceivedAt</c> is wall-clock time: it drives the aggregation delay and the 24 h identifier window.</summary>
public sealed record MeterEventRecord(
    string Identifier,
    string EventName,
    string Customer,
    decimal Value,
    long Timestamp,
    DateTimeOffset ReceivedAt)
{
    public bool Cancelled { get; set; }
}
