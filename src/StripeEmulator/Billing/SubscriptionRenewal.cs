using System.Text.Json.Nodes;
using Credits.StripeEmulator.Http;
using Credits.StripeEmulator.State;

namespace Credits.StripeEmulator.Billing;

/// <summary>
/// What happens when a subscription's period ends (by a test clock or by the wall clock): it is
/// canceled if asked to end then, otherwise it rolls to the next period and a <c>subscription_cycle</c>
/// invoice bills the ended period's metered usage, pending prorations and the next period's fees.
/// </summary>
public static class SubscriptionRenewal
{
    private static readonly string[] Renewing = ["active", "past_due", "trialing"];

    /// <summary>The earliest period end at or before <paramref name="until"/> among subscriptions on this clock (null: no clock).</summary>
    public static long? NextDue(EmulatorStore store, string? testClock, long until) =>
        Due(store, testClock, until).Select(s => (long?)SubscriptionCreation.Period(s).End).Min();

    /// <summary>Processes every period end at or before <paramref name="until"/>, in time order.</summary>
    public static void RunUntil(World w, string? testClock, long until)
    {
        for (var guard = 0; guard < 10_000; guard++)
        {
            var due = Due(w.Store, testClock, until).OrderBy(s => SubscriptionCreation.Period(s).End).FirstOrDefault();
            if (due is null) return;
            Renew(w, due);
        }
    }

    private static IEnumerable<JsonObject> Due(EmulatorStore store, string? testClock, long until) =>
        store.All("subscription").Where(s => (string?)s["test_clock"] == testClock
            && Renewing.Contains((string)s["status"]!)
            && SubscriptionCreation.Period(s).End <= until)
            .ToList();

    private static void Renew(World w, JsonObject subscription)
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
            if (lines.Count > 0) Bill(w, customer, subscription, lines, start, end);
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
        var failed = Bill(w, customer, subscription, lines, start, end);
        subscription["status"] = failed ? "past_due" : "active";
        w.Emit("customer.subscription.updated", subscription, Api.PreviousAttributes(before, subscription));
    }

    private static List<JsonObject> UsageLines(World w, JsonObject subscription, List<JsonObject> items, long start, long end)
    {
        var id = (string)subscription["id"]!;
        var customer = (string)subscription["customer"]!;
        return items.Where(InvoiceLines.IsMetered).Select(item =>
        {
            var usage = Proration.UsageSoFar(w, item, customer, start, end);
            return InvoiceLines.ForItem(item, id, InvoiceLines.Amount(item, usage), usage, Proration.UsageStart(item, start), end,
                $"{usage} × {InvoiceLines.ProductName(w.Store, item)} (usage)", false);
        }).ToList();
    }

    /// <summary>Creates, finalizes and charges a cycle invoice; true when the charge was declined.</summary>
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

    /// <summary>DELETE /v1/subscriptions/{id}: optionally invoices usage so far (<c>invoice_now</c>).</summary>
    public static JsonObject CancelNow(World w, JsonObject subscription, bool invoiceNow)
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
            if (lines.Count > 0) Bill(w, customer, subscription, lines, start, now);
        }
        subscription["canceled_at"] = now;
        End(w, subscription, now, "cancellation_requested");
        return subscription;
    }
}
