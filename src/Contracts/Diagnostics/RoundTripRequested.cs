namespace Credits.Contracts.Diagnostics;

/// <summary>
/// A diagnostic message that crosses every part of the system: the Gateway publishes it, the
/// Orchestrator stores it, the Gateway reads it back. Used by smoke tests and operators to prove
/// the path Gateway -> RabbitMQ -> Orchestrator -> PostgreSQL works (and to follow its trace).
/// </summary>
public record RoundTripRequested
{
    public Guid RoundTripId { get; init; }
    public string Text { get; init; } = "";
    public DateTimeOffset RequestedAt { get; init; }
}
