using Credits.Contracts.Customers;
using Credits.Contracts.PlanChanges;

namespace Credits.Sagas.Tests;

/// <summary>The blog post's two plans, and subscription items on them.</summary>
internal static class Plans
{
    public static readonly PlanTerms Hobby = new() { PlanId = "hobby", FlatPriceId = "price_hobby", MonthlyAmount = 0, IncludedCredits = 200 };

    public static readonly PlanTerms Pro = new()
    {
        PlanId = "pro", FlatPriceId = "price_pro", MeteredPriceId = "price_pro_overage", MonthlyAmount = 2000, IncludedCredits = 1000,
    };

    public static readonly SubscriptionItem HobbyFlat = new() { ItemId = "si_flat", PriceId = "price_hobby", UsageType = "licensed" };
    public static readonly SubscriptionItem ProFlat = new() { ItemId = "si_flat", PriceId = "price_pro", UsageType = "licensed" };
    public static readonly SubscriptionItem ProMetered = new() { ItemId = "si_metered", PriceId = "price_pro_overage", UsageType = "metered" };
}
