using Credits.Contracts.Customers;
using Credits.Contracts.PlanChanges;
using Credits.Sagas.Invariant;
using static Credits.Sagas.Tests.Plans;

namespace Credits.Sagas.Tests.Invariant;

public class When_checking_a_subscription_against_its_plan
{
    [Fact]
    public void Should_hold_for_one_flat_item_on_a_plan_without_overage() =>
        Assert.True(SubscriptionItemsInvariant.Check(Hobby, [HobbyFlat]).Holds);

    [Fact]
    public void Should_hold_for_one_flat_and_one_metered_item_on_a_plan_with_overage() =>
        Assert.True(SubscriptionItemsInvariant.Check(Pro, [ProFlat, ProMetered]).Holds);

    [Fact]
    public void Should_not_hold_when_a_plan_with_overage_misses_its_metered_item()
    {
        var check = SubscriptionItemsInvariant.Check(Pro, [ProFlat]);
        Assert.False(check.Holds);
        Assert.Equal([new SubscriptionItemChange { PriceId = "price_pro_overage" }], check.Repair);
    }

    [Fact]
    public void Should_not_hold_with_two_metered_items_and_delete_the_second()
    {
        var second = ProMetered with { ItemId = "si_metered_2" };
        var check = SubscriptionItemsInvariant.Check(Pro, [ProFlat, ProMetered, second]);
        Assert.False(check.Holds);
        Assert.Equal([new SubscriptionItemChange { ItemId = "si_metered_2", Deleted = true }], check.Repair);
    }

    [Fact]
    public void Should_not_hold_for_a_metered_item_on_a_plan_without_overage()
    {
        var check = SubscriptionItemsInvariant.Check(Hobby, [HobbyFlat, ProMetered]);
        Assert.False(check.Holds);
        Assert.Equal([new SubscriptionItemChange { ItemId = "si_metered", Deleted = true }], check.Repair);
    }

    [Fact]
    public void Should_swap_the_flat_price_and_add_the_metered_item_in_one_update_for_an_upgrade() =>
        Assert.Equal(
            [new SubscriptionItemChange { ItemId = "si_flat", PriceId = "price_pro" }, new SubscriptionItemChange { PriceId = "price_pro_overage" }],
            SubscriptionItemsInvariant.ChangesTo(Pro, [HobbyFlat]));

    [Fact]
    public void Should_swap_the_flat_price_and_remove_the_metered_item_in_one_update_for_a_downgrade() =>
        Assert.Equal(
            [new SubscriptionItemChange { ItemId = "si_flat", PriceId = "price_hobby" }, new SubscriptionItemChange { ItemId = "si_metered", Deleted = true }],
            SubscriptionItemsInvariant.ChangesTo(Hobby, [ProFlat, ProMetered]));

    public static TheoryData<string, int, int, bool> Shapes()
    {
        var data = new TheoryData<string, int, int, bool>();
        foreach (var plan in new[] { "hobby", "pro" })
            for (var flats = 0; flats <= 2; flats++)
                for (var metered = 0; metered <= 3; metered++)
                    foreach (var stalePrices in new[] { false, true })
                        data.Add(plan, flats, metered, stalePrices);
        return data;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Should_always_repair_to_exactly_the_plans_items(string planId, int flats, int metered, bool stalePrices)
    {
        var plan = planId == "pro" ? Pro : Hobby;
        var items = new List<SubscriptionItem>();
        for (var i = 0; i < flats; i++)
            items.Add(new SubscriptionItem { ItemId = $"si_f{i}", PriceId = stalePrices ? "price_old" : plan.FlatPriceId, UsageType = "licensed" });
        for (var i = 0; i < metered; i++)
            items.Add(new SubscriptionItem { ItemId = $"si_m{i}", PriceId = stalePrices ? "price_old_overage" : "price_pro_overage", UsageType = "metered" });

        var after = SubscriptionItemsSimulation.Apply(items, SubscriptionItemsInvariant.ChangesTo(plan, items), SubscriptionItemsSimulation.UsageOf);

        Assert.True(SubscriptionItemsInvariant.Check(plan, after).Holds);
        Assert.Single(after, i => i.UsageType == "licensed" && i.PriceId == plan.FlatPriceId);
        Assert.Equal(plan.HasOverage ? 1 : 0, after.Count(i => i.UsageType == "metered"));
    }
}
