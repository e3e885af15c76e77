namespace Credits.Contracts.Billing;

/// <summary>
/// Run the money audit now (the console's button): the Gateway stores the run as queued and sends this; one
/// Orchestrator runs it. A run asked for while another is running is recorded as skipped.
/// </summary>
public record RunMoneyAudit
{
    public Guid RunId { get; init; }
    public DateTimeOffset WindowStart { get; init; }
    public DateTimeOffset WindowEnd { get; init; }
    public string RequestedBy { get; init; } = "";
}
