namespace Credits.Benchmarks;

/// <summary>The two-hop baseline: consumed by a consumer that publishes <see cref="NoOpForwarded"/> directly, no database.</summary>
public record NoOpForwardRequested
{
    public Guid Id { get; init; }
}
