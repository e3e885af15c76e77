using System.Text.Json.Nodes;
using Credits.StripeEmulator.Http;
using Credits.StripeEmulator.State;

namespace Credits.StripeEmulator.Billing;

/// <summary>
/// Lines of <c>invoices/create_preview</c> for a subscription change, computed on a copy: with
/// always_invoice, the prorations charged now; otherwise the next renewal invoice (prorations,
/// pending lines, usage so far and the next period's fees).
/// </summary>
public static class SubscriptionPreview
{
    public static List<JsonObject> Lines(World w, JsonObject copy, List<JsonObject> current, StripeParams details, long now)
    {
        var id = (string)copy["id"]!;
        var proration = details.String("proration_behavior") ?? "create_prorations";
        var at = details.Timestamp("proration_date") ?? now;
        var next = details.Has("items") ? SubscriptionUpdate.ApplyItemChanges(w, copy, current, details.Objects("items"), now) : current;
        var lines = proration == "none" ? [] : Proration.For(w, copy, current, next, at);
        if (proration == "always_invoice") return lines;

        var (start, end) = SubscriptionCreation.Period(copy);
        if (w.Store.PendingLines.TryGetValue(id, out var pending)) lines.AddRange(pending.Select(l => (JsonObject)l.DeepClone()));
        foreach (var item in next)
        {
            if (InvoiceLines.IsMetered(item))
            {
                var usage = Proration.UsageSoFar(w, item, (string)copy["customer"]!, start, Math.Min(now, end));
                lines.Add(InvoiceLines.ForItem(item, id, InvoiceLines.Amount(item, usage), usage, Proration.UsageStart(item, start), end,
                    $"{usage} × {InvoiceLines.ProductName(w.Store, item)} (usage)", false));
                continue;
            }
            var quantity = (long)item["quantity"]!;
            var interval = (string)item["price"]!["recurring"]!["interval"]!;
            var count = (long)item["price"]!["recurring"]!["interval_count"]!;
            lines.Add(InvoiceLines.ForItem(item, id, InvoiceLines.Amount(item, quantity), quantity, end, Periods.Add(end, interval, count),
                $"{quantity} × {InvoiceLines.ProductName(w.Store, item)}", false));
        }
        return lines;
    }
}
