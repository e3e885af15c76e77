namespace Credits.Benchmarks;

/// <summary>Published through the outbox and counted downstream.</summary>
public record OutboxBenchmarkForwarded
{
    public Guid Id { get; init; }
}
