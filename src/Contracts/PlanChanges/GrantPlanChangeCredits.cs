namespace Credits.Contracts.PlanChanges;

/// <summary>Step command for the ledger after an upgrade is paid: start the new plan in the current period with <see cref="Allowance"/> (the prorated credits; see docs/sagas.md). Answer: <see cref="PlanChangeCreditsGranted"/>.</summary>
public record GrantPlanChangeCredits
{
    public Guid OperationId { get; init; }
    public string CustomerId { get; init; } = "";
    public string PlanId { get; init; } = "";
    public DateTimeOffset PeriodStart { get; init; }
    public DateTimeOffset PeriodEnd { get; init; }
    public long Allowance { get; init; }
}
