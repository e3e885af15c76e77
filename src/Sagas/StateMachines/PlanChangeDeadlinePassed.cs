namespace Credits.Sagas.StateMachines;

/// <summary>
/// Scheduled to every plan change when it begins (<see cref="PlanChangeOptions.Deadline"/>): a change still in flight
/// then has lost a message or is stuck; it reads Stripe's state and ends, so the customer's plan-change slot is freed.
/// </summary>
public record PlanChangeDeadlinePassed
{
    public Guid OperationId { get; init; }
}
