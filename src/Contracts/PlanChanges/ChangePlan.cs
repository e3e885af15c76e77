namespace Credits.Contracts.PlanChanges;

/// <summary>Moves a customer to <see cref="NewPlanId"/>; <see cref="OperationId"/> names the operation (GET /v1/operations/{id}). Upgrades happen at once, downgrades at the period end. Answered with <see cref="PlanChanged"/>, <see cref="PlanChangeFailed"/> or <see cref="PlanChangeRejected"/>.</summary>
public record ChangePlan
{
    public Guid OperationId { get; init; }
    public string CustomerId { get; init; } = "";
    public string NewPlanId { get; init; } = "";
}
