namespace Credits.Sagas.StateMachines;

/// <summary>Scheduled to a plan change at the subscription's period end: time to apply a downgrade.</summary>
public record PlanPeriodEnded
{
    public Guid OperationId { get; init; }
}
