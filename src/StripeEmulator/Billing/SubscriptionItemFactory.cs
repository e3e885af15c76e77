using System.Text.Json.Nodes;
using Credits.StripeEmulator.Http;
using Credits.StripeEmulator.State;

namespace Credits.StripeEmulator.Billing;

/// <summary>Builds <c>subscription_item</c>s (with the price embedded, as Stripe returns them) and validates item parameters.</summary>
public static class SubscriptionItemFactory
{
    public static JsonObject New(World w, string subscription, JsonObject price, long? quantity, long created,
        long periodStart, long periodEnd, JsonObject metadata) => SetQuantity(new JsonObject
    {
        ["id"] = Ids.New("si"),
        ["object"] = "subscription_item",
        ["billing_thresholds"] = null,
        ["created"] = created,
        ["current_period_end"] = periodEnd,
        ["current_period_start"] = periodStart,
        ["discounts"] = new JsonArray(),
        ["metadata"] = metadata,
        ["plan"] = Plan(price),
        ["price"] = price.DeepClone(),
        ["quantity"] = quantity,
        ["subscription"] = subscription,
        ["tax_rates"] = new JsonArray(),
    }, quantity);

    /// <summary>Stripe omits <c>quantity</c> on metered items (and Stripe.net cannot read a null one).</summary>
    public static JsonObject SetQuantity(JsonObject item, long? quantity)
    {
        if (quantity is null) item.Remove("quantity");
        else item["quantity"] = quantity;
        return item;
    }

    /// <summary>The legacy <c>plan</c> view of a recurring price, still returned on subscription items.</summary>
    private static JsonObject Plan(JsonObject price)
    {
        var recurring = price["recurring"]!;
        return new JsonObject
        {
            ["id"] = price["id"]!.DeepClone(),
            ["object"] = "plan",
            ["active"] = price["active"]!.DeepClone(),
            ["amount"] = price["unit_amount"]?.DeepClone(),
            ["amount_decimal"] = price["unit_amount_decimal"]!.DeepClone(),
            ["billing_scheme"] = "per_unit",
            ["created"] = price["created"]!.DeepClone(),
            ["currency"] = price["currency"]!.DeepClone(),
            ["interval"] = recurring["interval"]!.DeepClone(),
            ["interval_count"] = recurring["interval_count"]!.DeepClone(),
            ["livemode"] = false,
            ["metadata"] = price["metadata"]!.DeepClone(),
            ["meter"] = recurring["meter"]?.DeepClone(),
            ["nickname"] = price["nickname"]?.DeepClone(),
            ["product"] = price["product"]!.DeepClone(),
            ["tiers_mode"] = null,
            ["transform_usage"] = null,
            ["trial_period_days"] = null,
            ["usage_type"] = recurring["usage_type"]!.DeepClone(),
        };
    }

    /// <summary>A recurring, active price; a quantity only on licensed prices (Stripe rejects it on metered ones).</summary>
    public static (JsonObject Price, long? Quantity) Validate(World w, StripeParams item, string param, string? currency, bool quantityDefaultsToOne = true)
    {
        var priceId = item.String("price") ?? throw StripeApiException.MissingParam($"{param}[price]");
        var price = w.Store.Get("price", priceId, "price", $"{param}[price]");
        if (price["recurring"] is null)
            throw StripeApiException.InvalidParam($"{param}[price]", $"The price specified ({priceId}) is not recurring. Use a recurring price for subscriptions.");
        if (!(bool)price["active"]!)
            throw StripeApiException.InvalidParam($"{param}[price]", $"The price specified ({priceId}) is inactive.");
        if (currency is not null && (string)price["currency"]! != currency)
            throw StripeApiException.InvalidParam($"{param}[price]", "All prices on a subscription must have the same currency.");
        var metered = (string?)price["recurring"]!["usage_type"] == "metered";
        var quantity = item.Long("quantity");
        if (metered && quantity is not null)
            throw StripeApiException.InvalidParam($"{param}[quantity]", "Quantity should not be specified where usage_type is `metered`. Remove quantity from `" + param + "`.");
        return (price, metered ? null : quantity ?? (quantityDefaultsToOne ? 1 : null));
    }
}
