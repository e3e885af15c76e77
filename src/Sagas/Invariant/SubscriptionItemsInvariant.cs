using Credits.Contracts.Customers;
using Credits.Contracts.PlanChanges;

namespace Credits.Sagas.Invariant;

/// <summary>
/// The rule the blog post's author could not keep: a subscription has exactly one flat (licensed) item on the
/// plan's flat price, and exactly one metered item on the plan's overage price when the plan has overage, none
/// otherwise. Pure, so the sagas, reconciliation and tests share one definition.
/// </summary>
public static class SubscriptionItemsInvariant
{
    public const string Licensed = "licensed";
    public const string Metered = "metered";

    public static InvariantCheck Check(PlanTerms plan, IReadOnlyList<SubscriptionItem> items)
    {
        var changes = ChangesTo(plan, items);
        return new InvariantCheck(changes.Count == 0, changes);
    }

    /// <summary>
    /// The one Stripe update (items[] entries) that takes <paramref name="items"/> to <paramref name="plan"/>:
    /// keep the first flat item and swap its price (so its id survives), add or re-price one metered item, and
    /// delete every extra item. Applying the result always satisfies <see cref="Check"/>.
    /// </summary>
    public static IReadOnlyList<SubscriptionItemChange> ChangesTo(PlanTerms plan, IReadOnlyList<SubscriptionItem> items)
    {
        var changes = new List<SubscriptionItemChange>();
        var flat = items.Where(i => i.UsageType != Metered).ToList();
        var metered = items.Where(i => i.UsageType == Metered).ToList();

        if (flat.Count == 0)
            changes.Add(new SubscriptionItemChange { PriceId = plan.FlatPriceId });
        else if (flat[0].PriceId != plan.FlatPriceId)
            changes.Add(new SubscriptionItemChange { ItemId = flat[0].ItemId, PriceId = plan.FlatPriceId });
        changes.AddRange(flat.Skip(1).Select(Delete));

        if (plan.MeteredPriceId is null)
            changes.AddRange(metered.Select(Delete));
        else
        {
            if (metered.Count == 0)
                changes.Add(new SubscriptionItemChange { PriceId = plan.MeteredPriceId });
            else if (metered[0].PriceId != plan.MeteredPriceId)
                // Stripe cannot swap a metered price in place without losing the period's usage link, so replace it.
                changes.AddRange([Delete(metered[0]), new SubscriptionItemChange { PriceId = plan.MeteredPriceId }]);
            changes.AddRange(metered.Skip(1).Select(Delete));
        }
        return changes;
    }

    private static SubscriptionItemChange Delete(SubscriptionItem item) => new() { ItemId = item.ItemId, Deleted = true };
}
