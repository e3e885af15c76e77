namespace Credits.Persistence.Diagnostics;

/// <summary>A completed diagnostic round trip, written by the Orchestrator, read by the Gateway.</summary>
public class RoundTrip
{
    public Guid Id { get; set; }
    public string Text { get; set; } = "";
    public DateTimeOffset RequestedAt { get; set; }
    public DateTimeOffset CompletedAt { get; set; }

    /// <summary>The trace the Orchestrator saw while handling it: equals the Gateway request's trace when propagation works.</summary>
    public string? TraceId { get; set; }
}
