namespace Credits.Contracts.PlanChanges;

/// <summary>Answer to <see cref="ReportFinalOverage"/>.</summary>
public record FinalOverageReported
{
    public Guid OperationId { get; init; }
    public long Quantity { get; init; }
    /// <summary>The asking saga's kind, from the command's <c>Requester</c>; "" when the command did not say.</summary>
    public string Requester { get; init; } = "";
}
