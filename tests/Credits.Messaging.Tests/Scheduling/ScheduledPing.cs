using System.Collections.Concurrent;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace Credits.Messaging.Tests.Scheduling;

public record ScheduledPing
{
    public int Number { get; init; }
}

/// <summary>How many times each scheduled ping arrived, across every host of a test.</summary>
public sealed class ScheduledPingLog
{
    public const string Queue = "scheduled-ping";

    /// <summary>Where a test schedules its pings to.</summary>
    public static readonly Uri Destination = new($"queue:{Queue}");

    public ConcurrentDictionary<int, int> Arrivals { get; } = new();

    /// <summary>The ping consumer on its queue, counting into this log.</summary>
    public void AddConsumerTo(IBusRegistrationConfigurator bus)
    {
        bus.AddSingleton(this);
        bus.AddConsumer<ScheduledPingConsumer>().Endpoint(e => e.Name = Queue);
    }
}

public sealed class ScheduledPingConsumer(ScheduledPingLog log) : IConsumer<ScheduledPing>
{
    public Task Consume(ConsumeContext<ScheduledPing> context)
    {
        log.Arrivals.AddOrUpdate(context.Message.Number, 1, (_, n) => n + 1);
        return Task.CompletedTask;
    }
}
