namespace Credits.Sagas.StateMachines;

/// <summary>Scheduled to a customer when a renewal went unpaid: its grace is over.</summary>
public record RenewalGraceEnded
{
    public Guid CorrelationId { get; init; }
}
