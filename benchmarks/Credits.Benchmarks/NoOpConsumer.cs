using MassTransit;

namespace Credits.Benchmarks;

/// <summary>Does nothing but count: the baseline consumer, and the downstream end of the outbox scenario.</summary>
public sealed class NoOpConsumer<T>(NoOpCounter<T> counter) : IConsumer<T> where T : class
{
    public Task Consume(ConsumeContext<T> context)
    {
        counter.Increment();
        return Task.CompletedTask;
    }
}

/// <summary>Deliveries seen by <see cref="NoOpConsumer{T}"/> (a singleton per message type).</summary>
public sealed class NoOpCounter<T>
{
    long _count;
    public long Count => Interlocked.Read(ref _count);
    public void Increment() => Interlocked.Increment(ref _count);
}
