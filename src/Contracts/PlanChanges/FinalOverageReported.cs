namespace Credits.Contracts.PlanChanges;

/// <summary>Answer to <see cref="ReportFinalOverage"/>.</summary>
public record FinalOverageReported
{
    public Guid OperationId { get; init; }
    public long Quantity { get; init; }
}
