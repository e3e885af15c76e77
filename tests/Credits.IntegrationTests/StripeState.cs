using Credits.Contracts.PlanChanges;
using Credits.Sagas.Invariant;
using Stripe;
using Xunit;
using SubscriptionItem = Credits.Contracts.Customers.SubscriptionItem;

namespace Credits.IntegrationTests;

/// <summary>Arranging and checking what Stripe (the emulator) holds for a customer, through Stripe.net.</summary>
public static class StripeState
{
    /// <summary>Saves a test card as the customer's default payment method, as Checkout or the portal's card form would.</summary>
    public static async Task SaveCardAsync(StripeClient stripe, string stripeCustomerId, string testCard = "pm_card_visa")
    {
        var card = await stripe.V1.PaymentMethods.AttachAsync(testCard, new() { Customer = stripeCustomerId });
        await stripe.V1.Customers.UpdateAsync(stripeCustomerId, new() { InvoiceSettings = new() { DefaultPaymentMethod = card.Id } });
    }

    /// <summary>The issue's invariant, checked on Stripe's side: exactly the plan's items, never two metered, never none.</summary>
    public static async Task AssertItemsMatchPlanAsync(StripeClient stripe, string subscriptionId, string planId)
    {
        var subscription = await stripe.V1.Subscriptions.GetAsync(subscriptionId);
        var prices = await stripe.V1.Prices.ListAsync(new() { LookupKeys = [$"credits:{planId}:flat", $"credits:{planId}:overage"] });
        var flat = prices.Data.Single(p => p.LookupKey == $"credits:{planId}:flat").Id;
        var metered = prices.Data.SingleOrDefault(p => p.LookupKey == $"credits:{planId}:overage")?.Id;
        var plan = new PlanTerms { PlanId = planId, FlatPriceId = flat, MeteredPriceId = metered };
        var items = subscription.Items.Data.Select(i => new SubscriptionItem
        {
            ItemId = i.Id, PriceId = i.Price.Id, UsageType = i.Price.Recurring?.UsageType ?? "licensed",
        }).ToList();
        var check = SubscriptionItemsInvariant.Check(plan, items);
        Assert.True(check.Holds, $"subscription {subscription.Id} items {string.Join(", ", items.Select(i => i.PriceId))} do not match plan {planId}: {check}");
    }
}
