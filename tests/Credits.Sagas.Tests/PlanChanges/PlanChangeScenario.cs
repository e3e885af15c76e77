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

    /// <summary>Stripe's answer to a downgrade's check of its period: Pro's items, in the period from start to end.</summary>
    public static SubscriptionStateRead ProPeriodRead(Guid operationId, DateTimeOffset start, DateTimeOffset end) => new()
    {
        OperationId = operationId, Items = [Plans.ProFlat, Plans.ProMetered], PeriodStart = start, PeriodEnd = end,
    };

    /// <summary>
    /// A downgrade's time came: answers its check of Stripe's period with the period it waited in (not renewed yet), as
    /// the step consumer would.
    /// </summary>
    public static async Task PeriodNotRolled(this SagaHarness h, Guid operationId, DateTimeOffset periodEnd)
    {
        await h.PublishedOne<ReadSubscriptionState>(m => m.OperationId == operationId);
        await h.Bus.Bus.Publish(ProPeriodRead(operationId, PeriodStart, periodEnd));
    }
}
