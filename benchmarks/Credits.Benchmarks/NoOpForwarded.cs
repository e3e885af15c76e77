namespace Credits.Benchmarks;

/// <summary>Published directly by <see cref="NoOpForwardingConsumer"/>, counted downstream.</summary>
public record NoOpForwarded
{
    public Guid Id { get; init; }
}
