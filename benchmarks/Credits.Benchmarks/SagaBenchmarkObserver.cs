using MassTransit;

namespace Credits.Benchmarks;

/// <summary>Counts consumed no-op messages (saga transitions are counted where they commit, in PostgreSQL).</summary>
public sealed class SagaBenchmarkObserver : IConsumeObserver
{
    long _noOps;

    public long NoOps => Interlocked.Read(ref _noOps);

    public Task PostConsume<T>(ConsumeContext<T> context) where T : class
    {
        if (context.Message is SagaBenchmarkNoOp) Interlocked.Increment(ref _noOps);
        return Task.CompletedTask;
    }

    public Task PreConsume<T>(ConsumeContext<T> context) where T : class => Task.CompletedTask;
    public Task ConsumeFault<T>(ConsumeContext<T> context, Exception exception) where T : class => Task.CompletedTask;
}

public sealed class SagaBenchmarkNoOpConsumer : IConsumer<SagaBenchmarkNoOp>
{
    public Task Consume(ConsumeContext<SagaBenchmarkNoOp> context) => Task.CompletedTask;
}
