namespace Credits.Benchmarks;

/// <summary>The baseline's message: consumed by a consumer that does nothing.</summary>
public record NoOpBenchmarkMessage
{
    public Guid Id { get; init; }
}
