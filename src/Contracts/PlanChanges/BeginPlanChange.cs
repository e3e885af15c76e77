using Credits.Contracts.Customers;

namespace Credits.Contracts.PlanChanges;

/// <summary>Sent by the customer's lifecycle saga to start the plan change saga of <see cref="OperationId"/>, once it holds the customer's one plan-change slot. Carries the subscription as the lifecycle saga knows it.</summary>
public record BeginPlanChange
{
    public Guid OperationId { get; init; }
    public string CustomerId { get; init; } = "";
    public string StripeCustomerId { get; init; } = "";
    public string SubscriptionId { get; init; } = "";
    public PlanTerms FromPlan { get; init; } = new();
    public PlanTerms ToPlan { get; init; } = new();
    public IReadOnlyList<SubscriptionItem> Items { get; init; } = [];
    public DateTimeOffset PeriodStart { get; init; }
    public DateTimeOffset PeriodEnd { get; init; }
}
