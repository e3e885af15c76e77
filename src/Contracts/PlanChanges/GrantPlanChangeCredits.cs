namespace Credits.Contracts.PlanChanges;

/// <summary>
/// Step command for the ledger: start <see cref="PlanId"/> in the current period with <see cref="Allowance"/> (an upgrade's
/// prorated credits once paid; 0 when a downgrade moves the ledger, or moves it back). Answer: <see cref="PlanChangeCreditsGranted"/>.
/// </summary>
public record GrantPlanChangeCredits
{
    public Guid OperationId { get; init; }
    public string CustomerId { get; init; } = "";
    public string PlanId { get; init; } = "";
    public DateTimeOffset PeriodStart { get; init; }
    public DateTimeOffset PeriodEnd { get; init; }
    public long Allowance { get; init; }
    /// <summary>Names the ledger write within the operation (its idempotency key): "credits", or "ledger-back" when a downgrade is undone.</summary>
    public string Step { get; init; } = "credits";
    /// <summary>
    /// The kind of saga that asked (<c>plan-change</c> or <c>cancellation</c>), echoed in the answer: both sagas consume
    /// the answer's type, and only the one that asked can be waiting for it. "" from a sender before this was said.
    /// </summary>
    public string Requester { get; init; } = "";
}
