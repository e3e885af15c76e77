namespace Credits.Sagas.StateMachines;

/// <summary>Scheduled to a cancellation shortly before the period end: time to stop overage and report the last of it.</summary>
public record CancellationPeriodEnded
{
    public Guid OperationId { get; init; }
}
