using System.Collections.Concurrent;
using MassTransit;

namespace Credits.Messaging.Tests.Scheduling;

public record ScheduledPing
{
    public int Number { get; init; }
}

/// <summary>How many times each scheduled ping arrived, across every host of a test.</summary>
public sealed class ScheduledPingLog
{
    public ConcurrentDictionary<int, int> Arrivals { get; } = new();
}

public sealed class ScheduledPingConsumer(ScheduledPingLog log) : IConsumer<ScheduledPing>
{
    public Task Consume(ConsumeContext<ScheduledPing> context)
    {
        log.Arrivals.AddOrUpdate(context.Message.Number, 1, (_, n) => n + 1);
        return Task.CompletedTask;
    }
}
