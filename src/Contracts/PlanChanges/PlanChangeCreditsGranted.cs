namespace Credits.Contracts.PlanChanges;

/// <summary>Answer to <see cref="GrantPlanChangeCredits"/>.</summary>
public record PlanChangeCreditsGranted
{
    public Guid OperationId { get; init; }
    public long Allowance { get; init; }
    /// <summary>The asking saga's kind, from the command's <c>Requester</c>; "" when the command did not say.</summary>
    public string Requester { get; init; } = "";
}
