using System.Text.Json.Nodes;
using Credits.StripeEmulator.State;

namespace Credits.StripeEmulator.Billing;

/// <summary>
/// Lines for a mid-period change, as Stripe's flexible billing mode makes them: licensed items are
/// credited for unused time and charged for remaining time (to the second); a metered item that is
/// removed or swapped bills the usage reported so far.
/// </summary>
public static class Proration
{
    public static List<JsonObject> For(World w, JsonObject subscription, IReadOnlyList<JsonObject> before,
        IReadOnlyList<JsonObject> after, long at)
    {
        var id = (string)subscription["id"]!;
        var customer = (string)subscription["customer"]!;
        var (start, end) = SubscriptionCreation.Period(subscription);
        var fraction = end > start ? Math.Clamp((decimal)(end - at) / (end - start), 0, 1) : 0;
        var lines = new List<JsonObject>();
        foreach (var old in before)
        {
            var now = after.FirstOrDefault(x => (string?)x["id"] == (string?)old["id"]);
            var unchanged = now is not null && JsonNode.DeepEquals(now["price"]?["id"], old["price"]?["id"])
                && JsonNode.DeepEquals(now["quantity"], old["quantity"]);
            if (unchanged) continue;
            if (InvoiceLines.IsMetered(old))
            {
                if (now is not null && JsonNode.DeepEquals(now["price"]?["id"], old["price"]?["id"])) continue;
                var usage = UsageSoFar(w, old, customer, start, at);
                if (usage > 0)
                    lines.Add(InvoiceLines.ForItem(old, id, InvoiceLines.Amount(old, usage), usage, UsageStart(old, start), at,
                        $"{InvoiceLines.ProductName(w.Store, old)} (usage until change)", false));
                continue;
            }
            lines.Add(UnusedTime(w, id, old, at, end, fraction));
        }
        foreach (var item in after)
        {
            if (InvoiceLines.IsMetered(item)) continue;
            var old = before.FirstOrDefault(x => (string?)x["id"] == (string?)item["id"]);
            if (old is not null && JsonNode.DeepEquals(item["price"]?["id"], old["price"]?["id"]) && JsonNode.DeepEquals(item["quantity"], old["quantity"]))
                continue;
            var quantity = (long)item["quantity"]!;
            lines.Add(InvoiceLines.ForItem(item, id, (long)Math.Round(InvoiceLines.Amount(item, quantity) * fraction, MidpointRounding.AwayFromZero),
                quantity, at, end, $"Remaining time on {quantity} × {InvoiceLines.ProductName(w.Store, item)}", true));
        }
        return lines;
    }

    /// <summary>
    /// The credit for a licensed item's unused time from <paramref name="at"/> to the period end (a change, or
    /// <c>DELETE ?prorate=true</c>: "a proration invoice item that credits remaining unused time until the subscription
    /// period end", https://docs.stripe.com/api/subscriptions/cancel#cancel_subscription-prorate).
    /// </summary>
    public static JsonObject UnusedTime(World w, string subscription, JsonObject item, long at, long end, decimal fraction)
    {
        var quantity = (long)item["quantity"]!;
        return InvoiceLines.ForItem(item, subscription, -(long)Math.Round(InvoiceLines.Amount(item, quantity) * fraction, MidpointRounding.AwayFromZero),
            quantity, at, end, $"Unused time on {quantity} × {InvoiceLines.ProductName(w.Store, item)}", true);
    }

    /// <summary>The credits for every licensed item's unused time when the subscription ends at <paramref name="at"/>.</summary>
    public static List<JsonObject> UnusedTime(World w, JsonObject subscription, IEnumerable<JsonObject> items, long at)
    {
        var (start, end) = SubscriptionCreation.Period(subscription);
        var fraction = end > start ? Math.Clamp((decimal)(end - at) / (end - start), 0, 1) : 0;
        return items.Where(i => !InvoiceLines.IsMetered(i)).Select(i => UnusedTime(w, (string)subscription["id"]!, i, at, end, fraction))
            .Where(l => (long)l["amount"]! != 0).ToList();
    }

    /// <summary>Usage of a metered item counts from when it joined the subscription, within the period.</summary>
    public static long UsageStart(JsonObject item, long periodStart) => Math.Max((long)item["created"]!, periodStart);

    public static decimal UsageSoFar(World w, JsonObject item, string customer, long periodStart, long until)
    {
        var meterId = (string?)item["price"]!["recurring"]!["meter"];
        if (meterId is null || w.Store.Find(meterId) is not { } meter) return 0;
        return MeterUsage.Aggregate(w.Store, meter, customer, UsageStart(item, periodStart), until);
    }
}
