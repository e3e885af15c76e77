using Credits.Contracts.Customers;
using Credits.Contracts.PlanChanges;

namespace Credits.Sagas.Tests.PlanChanges;

/// <summary>BeginPlanChange messages for a Hobby customer halfway through a period, and the like.</summary>
internal static class PlanChangeScenario
{
    public static readonly DateTimeOffset PeriodStart = DateTimeOffset.UtcNow.AddDays(-15);
    public static readonly DateTimeOffset PeriodEnd = DateTimeOffset.UtcNow.AddDays(15);

    public static BeginPlanChange Upgrade(Guid operationId, IReadOnlyList<SubscriptionItem>? items = null) => new()
    {
        OperationId = operationId, CustomerId = "acme", StripeCustomerId = "cus_acme", SubscriptionId = "sub_acme",
        FromPlan = Plans.Hobby, ToPlan = Plans.Pro, Items = items ?? [Plans.HobbyFlat], PeriodStart = PeriodStart, PeriodEnd = PeriodEnd,
    };

    public static BeginPlanChange Downgrade(Guid operationId, DateTimeOffset periodEnd) => new()
    {
        OperationId = operationId, CustomerId = "acme", StripeCustomerId = "cus_acme", SubscriptionId = "sub_acme",
        FromPlan = Plans.Pro, ToPlan = Plans.Hobby, Items = [Plans.ProFlat, Plans.ProMetered], PeriodStart = PeriodStart, PeriodEnd = periodEnd,
    };

    public static readonly IReadOnlyList<SubscriptionItem> ProItems = [Plans.ProFlat, Plans.ProMetered with { ItemId = "si_new_1" }];
}
