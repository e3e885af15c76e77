namespace Credits.Contracts.PlanChanges;

/// <summary>Answer to <see cref="ReportFinalOverage"/>.</summary>
public record FinalOverageReported
{
    public Guid OperationId { get; init; }
    public long Quantity { get; init; }
    /// <inheritdoc cref="PlanChangeCreditsGranted.Requester"/>
    public string Requester { get; init; } = "";
}
