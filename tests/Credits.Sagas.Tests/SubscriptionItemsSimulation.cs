using Credits.Contracts.Customers;
using Credits.Contracts.PlanChanges;

namespace Credits.Sagas.Tests;

/// <summary>What Stripe does with an items[] update, so tests can check the items a step would leave.</summary>
internal static class SubscriptionItemsSimulation
{
    public static IReadOnlyList<SubscriptionItem> Apply(IReadOnlyList<SubscriptionItem> items, IReadOnlyList<SubscriptionItemChange> changes,
        Func<string, string> usageOf)
    {
        var result = items.ToList();
        var added = 0;
        foreach (var change in changes)
        {
            if (change.Deleted)
                result.RemoveAll(i => i.ItemId == change.ItemId);
            else if (change.ItemId is not null)
                result = result.Select(i => i.ItemId == change.ItemId ? i with { PriceId = change.PriceId!, UsageType = usageOf(change.PriceId!) } : i).ToList();
            else
                result.Add(new SubscriptionItem { ItemId = $"si_new_{++added}", PriceId = change.PriceId!, UsageType = usageOf(change.PriceId!) });
        }
        return result;
    }

    public static string UsageOf(string priceId) => priceId.EndsWith("_overage", StringComparison.Ordinal) ? "metered" : "licensed";
}
