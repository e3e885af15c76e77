using Credits.Contracts.Customers;
using Stripe;
using SubscriptionItem = Credits.Contracts.Customers.SubscriptionItem;

namespace Credits.Orchestrator.Steps;

/// <summary>How the steps read a Stripe subscription: its items as the sagas know them, and its current period.</summary>
static class StripeSubscriptions
{
    public const string CustomerIdMetadata = "customer_id";

    public static IReadOnlyList<SubscriptionItem> Items(Subscription subscription) =>
        subscription.Items.Data.Select(i => new SubscriptionItem
        {
            ItemId = i.Id,
            PriceId = i.Price.Id,
            UsageType = i.Price.Recurring?.UsageType ?? "licensed",
        }).ToList();

    /// <summary>The period is on each item since API 2025-03-31; the items of one subscription share it.</summary>
    public static (DateTimeOffset Start, DateTimeOffset End) Period(Subscription subscription)
    {
        var item = subscription.Items.Data.First();
        return (new DateTimeOffset(item.CurrentPeriodStart, TimeSpan.Zero), new DateTimeOffset(item.CurrentPeriodEnd, TimeSpan.Zero));
    }

    public static List<SubscriptionItemOptions> Changes(IEnumerable<Contracts.PlanChanges.SubscriptionItemChange> changes) =>
        changes.Select(c => c.Deleted
            ? new SubscriptionItemOptions { Id = c.ItemId, Deleted = true }
            : new SubscriptionItemOptions { Id = c.ItemId, Price = c.PriceId }).ToList();
}
