namespace Credits.Benchmarks;

/// <summary>Consumed behind the inbox and outbox: the consumer writes a row and publishes <see cref="OutboxBenchmarkForwarded"/>.</summary>
public record OutboxBenchmarkRequested
{
    public Guid Id { get; init; }
}
