namespace Credits.Contracts.Customers;

/// <summary>Step command for the ledger: put the customer on <see cref="PlanId"/> for the period and grant its allowance (<see cref="Allowance"/> null = the plan's included credits). Idempotent by the ledger's own fingerprint of the fields.</summary>
public record StartAllowancePeriod
{
    public Guid CorrelationId { get; init; }
    public string CustomerId { get; init; } = "";
    public string PlanId { get; init; } = "";
    public DateTimeOffset PeriodStart { get; init; }
    public DateTimeOffset PeriodEnd { get; init; }
    public long? Allowance { get; init; }
    /// <summary>The registration's first period: the step grants the plan's trial credits with it (once per customer).</summary>
    public bool FirstPeriod { get; init; }
}
