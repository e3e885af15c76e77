namespace Credits.Sagas.StateMachines;

/// <summary>Scheduled to a card setup: the card did not come in time.</summary>
public record CardSetupTimedOut
{
    public Guid SetupId { get; init; }
}
