namespace Credits.Benchmarks;

// The saga benchmark's messages: open a counter instance, then count on it; a no-op message as the baseline.

public record SagaBenchmarkOpened
{
    public Guid CounterId { get; init; }
}

public record SagaBenchmarkCounted
{
    public Guid CounterId { get; init; }
}

public record SagaBenchmarkNoOp
{
    public Guid Id { get; init; }
}

/// <summary>Counts on an instance through <see cref="SagaFloorConsumer"/>: the same rows, without the saga machinery.</summary>
public record SagaBenchmarkFloorCounted
{
    public Guid CounterId { get; init; }
}

/// <summary>Counts on an instance through <see cref="SagaEfFloorConsumer"/>: the same rows through Entity Framework, without the saga machinery.</summary>
public record SagaBenchmarkEfFloorCounted
{
    public Guid CounterId { get; init; }
}
