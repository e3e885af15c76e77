namespace Credits.Messaging.TestHost;

/// <summary>Asks the probe consumer to record a probe and announce it.</summary>
public record ProbeRequested
{
    public Guid ProbeId { get; init; }
}
