using System.Text.Json.Nodes;
using Credits.StripeEmulator.State;

namespace Credits.StripeEmulator.Billing;

/// <summary>Invoice <c>line_item</c>s for subscription items: a period's fee, usage, or a proration.</summary>
public static class InvoiceLines
{
    public static JsonObject ForItem(JsonObject subscriptionItem, string subscription, long amount, decimal? quantity,
        long start, long end, string description, bool proration)
    {
        var price = subscriptionItem["price"]!;
        return new JsonObject
        {
            ["id"] = Ids.New("il"),
            ["object"] = "line_item",
            ["amount"] = amount,
            ["currency"] = price["currency"]!.DeepClone(),
            ["description"] = description,
            ["discount_amounts"] = new JsonArray(),
            ["discountable"] = !proration,
            ["discounts"] = new JsonArray(),
            ["invoice"] = null,
            ["livemode"] = false,
            ["metadata"] = new JsonObject(),
            ["parent"] = new JsonObject
            {
                ["type"] = "subscription_item_details",
                ["invoice_item_details"] = null,
                ["subscription_item_details"] = new JsonObject
                {
                    ["invoice_item"] = null,
                    ["proration"] = proration,
                    ["proration_details"] = new JsonObject { ["credited_items"] = null },
                    ["subscription"] = subscription,
                    ["subscription_item"] = subscriptionItem["id"]!.DeepClone(),
                },
            },
            ["period"] = new JsonObject { ["end"] = end, ["start"] = start },
            ["pretax_credit_amounts"] = new JsonArray(),
            ["pricing"] = new JsonObject
            {
                ["type"] = "price_details",
                ["price_details"] = new JsonObject { ["price"] = price["id"]!.DeepClone(), ["product"] = price["product"]!.DeepClone() },
                ["unit_amount_decimal"] = price["unit_amount_decimal"]!.DeepClone(),
            },
            ["quantity"] = quantity is { } q && q == decimal.Truncate(q) ? (long)q : null,
            ["quantity_decimal"] = quantity?.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["subscription"] = subscription,
            ["subtotal"] = amount,
            ["taxes"] = new JsonArray(),
        };
    }

    /// <summary>Unit price times quantity, rounded to the currency's minor unit as Stripe does (half away from zero).</summary>
    public static long Amount(JsonObject subscriptionItem, decimal quantity)
    {
        var unit = decimal.Parse((string)subscriptionItem["price"]!["unit_amount_decimal"]!, System.Globalization.CultureInfo.InvariantCulture);
        return (long)Math.Round(unit * quantity, MidpointRounding.AwayFromZero);
    }

    public static bool IsMetered(JsonObject subscriptionItem) =>
        (string?)subscriptionItem["price"]?["recurring"]?["usage_type"] == "metered";

    public static string ProductName(EmulatorStore store, JsonObject subscriptionItem) =>
        (string?)store.Find((string)subscriptionItem["price"]!["product"]!)?["name"] ?? "Subscription";
}
