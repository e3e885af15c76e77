namespace Credits.Contracts.PlanChanges;

/// <summary>Answer to <see cref="GrantPlanChangeCredits"/>.</summary>
public record PlanChangeCreditsGranted
{
    public Guid OperationId { get; init; }
    public long Allowance { get; init; }
}
