namespace Credits.Sagas.StateMachines;

/// <summary>Scheduled to an upgrade waiting for a card: none came in time.</summary>
public record CardCollectionTimedOut
{
    public Guid OperationId { get; init; }
}
