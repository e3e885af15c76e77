namespace Credits.Messaging.TestHost;

/// <summary>Asks for a probe whose consumer writes, publishes and then throws.</summary>
public record FailingProbeRequested
{
    public Guid ProbeId { get; init; }
}
