using System.Text.Json.Nodes;
using Credits.StripeEmulator.Http;
using Credits.StripeEmulator.State;

namespace Credits.StripeEmulator.Billing;

/// <summary>
/// What happens when a subscription's period ends (by a test clock or by the wall clock): it is
/// canceled if asked to end then, otherwise it moves to the next period at once
/// (<c>customer.subscription.updated</c>) and a <c>subscription_cycle</c> invoice is created as a draft
/// (<c>invoice.created</c>) billing the ended period's metered usage, pending prorations and the next
/// period's fees. Stripe finalizes and charges it about an hour later
/// (https://docs.stripe.com/billing/invoices/subscription, "automatically finalizing draft invoices after one
/// hour": https://docs.stripe.com/invoicing/integration/automatic-advancement-collection); until then usage for
/// the ended period still counts (https://docs.stripe.com/billing/subscriptions/usage-based/configure-grace-period),
/// so the usage lines are recounted at finalization. Both delays are <c>RenewalFinalizeDelay</c>.
/// </summary>
public static class SubscriptionRenewal
{
    private static readonly string[] Renewing = ["active", "past_due", "trialing", "unpaid"];

    public static bool Renews(string status) => Renewing.Contains(status);

    public static void Renew(World w, JsonObject subscription)
    {
        var id = (string)subscription["id"]!;
        var customer = w.Store.Get("customer", (string)subscription["customer"]!, "customer");
        var (start, end) = SubscriptionCreation.Period(subscription);
        var before = (JsonObject)subscription.DeepClone();
        var items = SubscriptionCreation.Items(subscription).Select(i => (JsonObject)i!).ToList();
        var lines = UsageLines(w, subscription, items, start, end);
        lines.AddRange(SubscriptionUpdate.TakePendingLines(w, id));

        if ((bool)subscription["cancel_at_period_end"]! || subscription["cancel_at"] is JsonValue c && (long)c <= end)
        {
            if (lines.Count > 0) DraftRenewal(w, customer, subscription, lines, start, end);
            End(w, subscription, end, "cancellation_requested");
            return;
        }

        var interval = (string)items[0]["price"]!["recurring"]!["interval"]!;
        var count = (long)items[0]["price"]!["recurring"]!["interval_count"]!;
        var nextEnd = Periods.Add(end, interval, count);
        foreach (var item in items)
        {
            item["current_period_start"] = end;
            item["current_period_end"] = nextEnd;
            if (InvoiceLines.IsMetered(item)) continue;
            var quantity = (long)item["quantity"]!;
            lines.Add(InvoiceLines.ForItem(item, id, InvoiceLines.Amount(item, quantity), quantity, end, nextEnd,
                $"{quantity} × {InvoiceLines.ProductName(w.Store, item)}", false));
        }
        DraftRenewal(w, customer, subscription, lines, start, end);
        w.Emit("customer.subscription.updated", subscription, Api.PreviousAttributes(before, subscription));
    }

    /// <summary>
    /// The renewal's draft, finalized after <c>RenewalFinalizeDelay</c>. An <c>unpaid</c> subscription's
    /// invoices stay drafts without automatic advancement, as Stripe leaves them.
    /// </summary>
    private static void DraftRenewal(World w, JsonObject customer, JsonObject subscription, List<JsonObject> lines, long start, long end)
    {
        var unpaid = (string?)subscription["status"] == "unpaid";
        long? finalizesAt = unpaid ? null : w.Clocks.NowFor(customer) + (long)w.Options.RenewalFinalizeDelay.TotalSeconds;
        var invoice = InvoiceLifecycle.Draft(w, customer, subscription, "subscription_cycle", lines, start, end,
            (string)subscription["currency"]!, finalizesAt: finalizesAt, autoAdvance: !unpaid);
        subscription["latest_invoice"] = (string)invoice["id"]!;
    }

    /// <summary>
    /// A renewal draft's hour is up: its usage lines are recounted with every meter event processed by now
    /// (late events for the ended period included), then it is finalized and charged (see <see cref="Dunning"/>).
    /// </summary>
    public static void FinalizeRenewal(World w, JsonObject invoice)
    {
        var customer = w.Store.Get("customer", (string)invoice["customer"]!, "customer");
        RecountUsage(w, invoice);
        InvoiceLifecycle.Finalize(w, invoice, customer);
        if ((string)invoice["status"]! != "paid") Dunning.Collect(w, invoice);
    }

    private static void RecountUsage(World w, JsonObject invoice)
    {
        var customer = (string)invoice["customer"]!;
        var periodEnd = (long)invoice["period_end"]!;
        var lines = invoice["lines"]!["data"]!.AsArray().Select(l => (JsonObject)l!).ToList();
        foreach (var line in lines)
        {
            if ((bool?)line["parent"]?["subscription_item_details"]?["proration"] == true) continue;
            if ((long)line["period"]!["end"]! != periodEnd) continue;
            if (w.Store.Find((string)line["pricing"]!["price_details"]!["price"]!) is not { } price
                || (string?)price["recurring"]?["usage_type"] != "metered"
                || (string?)price["recurring"]?["meter"] is not { } meterId || w.Store.Find(meterId) is not { } meter) continue;
            var usage = MeterUsage.Aggregate(w.Store, meter, customer, (long)line["period"]!["start"]!, periodEnd, ProcessedBefore(w));
            var amount = InvoiceLines.Amount(new JsonObject { ["price"] = price.DeepClone() }, usage);
            line["amount"] = amount;
            line["subtotal"] = amount;
            line["quantity"] = usage == decimal.Truncate(usage) ? (long)usage : null;
            line["quantity_decimal"] = usage.ToString(System.Globalization.CultureInfo.InvariantCulture);
            line["description"] = $"{usage} × {(string?)w.Store.Find((string)price["product"]!)?["name"] ?? "Subscription"} (usage)";
        }
        InvoiceLifecycle.SetLines(invoice, lines);
    }

    /// <summary>Meter events count once Stripe has processed them (<c>AggregationDelay</c> after they arrived).</summary>
    private static DateTimeOffset ProcessedBefore(World w) => w.Clocks.WallTime - w.Options.AggregationDelay;

    private static List<JsonObject> UsageLines(World w, JsonObject subscription, List<JsonObject> items, long start, long end)
    {
        var id = (string)subscription["id"]!;
        var customer = (string)subscription["customer"]!;
        return items.Where(InvoiceLines.IsMetered).Select(item =>
        {
            var usage = item["price"]!["recurring"]!["meter"] is JsonValue m && w.Store.Find((string)m!) is { } meter
                ? MeterUsage.Aggregate(w.Store, meter, customer, Proration.UsageStart(item, start), end, ProcessedBefore(w))
                : 0;
            return InvoiceLines.ForItem(item, id, InvoiceLines.Amount(item, usage), usage, Proration.UsageStart(item, start), end,
                $"{usage} × {InvoiceLines.ProductName(w.Store, item)} (usage)", false);
        }).ToList();
    }

    /// <summary>The final invoice of <c>DELETE ?invoice_now=true</c>: created, finalized and charged at once.</summary>
    private static bool Bill(World w, JsonObject customer, JsonObject subscription, List<JsonObject> lines, long start, long end)
    {
        var invoice = InvoiceLifecycle.Draft(w, customer, subscription, "subscription_cycle", lines, start, end, (string)subscription["currency"]!);
        subscription["latest_invoice"] = (string)invoice["id"]!;
        InvoiceLifecycle.Finalize(w, invoice, customer);
        return (string)invoice["status"]! != "paid" && InvoiceLifecycle.Pay(w, invoice) is not null;
    }

    /// <summary>Cancels now: <c>customer.subscription.deleted</c>.</summary>
    public static void End(World w, JsonObject subscription, long at, string reason)
    {
        subscription["status"] = "canceled";
        subscription["ended_at"] = at;
        subscription["canceled_at"] ??= at;
        subscription["cancellation_details"]!["reason"] = reason;
        w.Store.PendingLines.Remove((string)subscription["id"]!);
        w.Emit("customer.subscription.deleted", subscription);
    }

    /// <summary>
    /// DELETE /v1/subscriptions/{id} (https://docs.stripe.com/api/subscriptions/cancel). <c>invoice_now</c>: a final
    /// invoice, finalized and charged at once, for the metered usage not yet invoiced and pending prorations.
    /// <c>prorate</c>: a credit for the licensed items' unused time, on that final invoice; a negative total goes to the
    /// customer's credit balance (<see cref="InvoiceLifecycle.Finalize"/>). Without <c>invoice_now</c> Stripe keeps the
    /// credit as a pending invoice item for the customer's next invoice; the emulator has no customer-level pending
    /// items and drops it (documented in docs/stripe-emulator.md).
    /// </summary>
    public static JsonObject CancelNow(World w, JsonObject subscription, bool invoiceNow, bool prorate = false)
    {
        if ((string)subscription["status"]! == "canceled")
            throw StripeApiException.Invalid($"No such subscription: '{subscription["id"]}'", "id", "resource_missing");
        var customer = w.Store.Get("customer", (string)subscription["customer"]!, "customer");
        var now = w.Clocks.NowFor(customer);
        if (invoiceNow)
        {
            var (start, _) = SubscriptionCreation.Period(subscription);
            var items = SubscriptionCreation.Items(subscription).Select(i => (JsonObject)i!).ToList();
            var lines = UsageLines(w, subscription, items, start, now);
            lines.AddRange(SubscriptionUpdate.TakePendingLines(w, (string)subscription["id"]!));
            if (prorate) lines.AddRange(Proration.UnusedTime(w, subscription, items, now));
            if (lines.Count > 0) Bill(w, customer, subscription, lines, start, now);
        }
        subscription["canceled_at"] = now;
        End(w, subscription, now, "cancellation_requested");
        return subscription;
    }
}
