namespace Credits.Contracts.PlanChanges;

/// <summary>A <see cref="ChangePlan"/> was refused without touching Stripe (HTTP 409): another change is in flight (<see cref="InFlightOperationId"/>), the customer is unknown, or the plan is unknown or already the current one.</summary>
public record PlanChangeRejected
{
    public Guid OperationId { get; init; }
    public string CustomerId { get; init; } = "";
    public string NewPlanId { get; init; } = "";
    public Guid? InFlightOperationId { get; init; }
    public string Reason { get; init; } = "";
}
