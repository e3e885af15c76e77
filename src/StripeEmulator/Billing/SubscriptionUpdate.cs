using System.Text.Json.Nodes;
using Credits.StripeEmulator.Http;
using Credits.StripeEmulator.State;

namespace Credits.StripeEmulator.Billing;

/// <summary>
/// Updating a subscription: every item change in one call is validated first and applied together
/// (or not at all). Prorations follow <c>proration_behavior</c> (create_prorations: billed next
/// renewal; always_invoice: invoiced and charged now; none). A declined charge follows
/// <c>payment_behavior</c>: allow_incomplete applies the change and leaves the subscription past_due;
/// pending_if_incomplete keeps the old items and records <c>pending_update</c> until the invoice is
/// paid; error_if_incomplete answers 402 and changes nothing.
/// </summary>
public static class SubscriptionUpdate
{
    public static JsonObject Update(World w, JsonObject subscription, StripeParams p)
    {
        var id = (string)subscription["id"]!;
        var status = (string)subscription["status"]!;
        if (status is "canceled" or "incomplete_expired")
            throw StripeApiException.Invalid("A canceled subscription can only update its cancellation_details and metadata.", null, "resource_missing");
        // Stripe's own words: until its first invoice is paid, only minor attributes may change.
        if (status == "incomplete" && p.Has("items"))
            throw StripeApiException.Invalid("You cannot update a subscription in `incomplete` status in a way that results in a new invoice or invoice items. "
                + "Only minor attributes, like `metadata` or `default_payment_method`, can be updated on such subscriptions.");
        var customer = w.Store.Get("customer", (string)subscription["customer"]!, "customer");
        var now = w.Clocks.NowFor(customer);
        var proration = p.String("proration_behavior") ?? "create_prorations";
        if (proration is not ("create_prorations" or "always_invoice" or "none"))
            throw StripeApiException.InvalidParam("proration_behavior", $"Invalid proration_behavior: {proration}");
        var behavior = p.String("payment_behavior") ?? "allow_incomplete";
        var prorationDate = p.Timestamp("proration_date") ?? now;
        var before = (JsonObject)subscription.DeepClone();

        var current = SubscriptionCreation.Items(subscription).Select(i => (JsonObject)i!).ToList();
        var next = ApplyItemChanges(w, subscription, current, p.Objects("items"), now);
        var lines = proration == "none" ? [] : Proration.For(w, subscription, current, next, prorationDate);
        var invoiceNow = proration == "always_invoice" && lines.Count > 0;
        var charge = lines.Sum(l => (long)l["amount"]!);

        if (p.String("default_payment_method") is { } pmParam)
            subscription["default_payment_method"] = pmParam.Length == 0 ? null
                : (string)w.Store.Get("payment_method", pmParam, "PaymentMethod", "default_payment_method")["id"]!;
        var declined = invoiceNow && charge > 0
            ? InvoiceLifecycle.PredictPayment(w, customer, (string?)subscription["default_payment_method"])
            : null;
        if (declined is not null && behavior == "error_if_incomplete")
        {
            subscription["default_payment_method"] = before["default_payment_method"]?.DeepClone();
            throw declined;
        }

        ApplySimpleFields(subscription, p, now);
        var pending = declined is not null && behavior == "pending_if_incomplete";
        if (pending)
        {
            subscription["pending_update"] = new JsonObject
            {
                ["billing_cycle_anchor"] = null,
                ["discounts"] = null,
                ["expires_at"] = now + 23 * 3600,
                ["subscription_items"] = new JsonArray(next.Select(i => (JsonNode)i.DeepClone()).ToArray()),
                ["trial_end"] = null,
                ["trial_from_plan"] = null,
            };
        }
        else
        {
            subscription["items"]!["data"] = new JsonArray(next.Select(i => (JsonNode)i).ToArray());
        }

        if (invoiceNow)
        {
            lines.AddRange(TakePendingLines(w, id));
            var invoice = InvoiceLifecycle.Draft(w, customer, subscription, "subscription_update", lines, prorationDate, prorationDate,
                (string)subscription["currency"]!);
            subscription["latest_invoice"] = (string)invoice["id"]!;
            InvoiceLifecycle.Finalize(w, invoice, customer);
            var failed = (string)invoice["status"]! != "paid" && InvoiceLifecycle.Pay(w, invoice) is not null;
            if (failed && !pending) subscription["status"] = "past_due";
        }
        else if (lines.Count > 0)
        {
            AddPendingLines(w, id, lines);
        }

        var previous = Api.PreviousAttributes(before, subscription);
        if (previous.Count > 0) w.Emit("customer.subscription.updated", subscription, previous);
        return subscription;
    }

    /// <summary>Applies a pending update once the invoice that carried it is paid.</summary>
    public static void CompletePendingUpdate(World w, JsonObject subscription)
    {
        if (subscription["pending_update"]?["subscription_items"] is not JsonArray items) return;
        var before = (JsonObject)subscription.DeepClone();
        subscription["items"]!["data"] = items.DeepClone();
        subscription["pending_update"] = null;
        if ((string?)subscription["status"] is "past_due" or "incomplete") subscription["status"] = "active";
        w.Emit("customer.subscription.updated", subscription, Api.PreviousAttributes(before, subscription));
    }

    public static List<JsonObject> ApplyItemChanges(World w, JsonObject subscription, List<JsonObject> current,
        IReadOnlyList<StripeParams> changes, long now)
    {
        var id = (string)subscription["id"]!;
        var currency = (string)subscription["currency"]!;
        var (start, end) = SubscriptionCreation.Period(subscription);
        var next = current.Select(i => (JsonObject)i.DeepClone()).ToList();
        for (var i = 0; i < changes.Count; i++)
        {
            var change = changes[i];
            var param = $"items[{i}]";
            if (change.String("id") is { } itemId)
            {
                var item = next.FirstOrDefault(x => (string?)x["id"] == itemId)
                    ?? throw StripeApiException.InvalidParam($"{param}[id]", $"The subscription item {itemId} does not belong to subscription {id}.");
                if (change.Bool("deleted") == true)
                {
                    next.Remove(item);
                    continue;
                }
                if (change.Has("price"))
                {
                    var (price, quantity) = SubscriptionItemFactory.Validate(w, change, param, currency, quantityDefaultsToOne: false);
                    var replaced = SubscriptionItemFactory.New(w, id, price, null, (long)item["created"]!, start, end, (JsonObject)item["metadata"]!.DeepClone());
                    replaced["id"] = item["id"]!.DeepClone();
                    SubscriptionItemFactory.SetQuantity(replaced, InvoiceLines.IsMetered(replaced) ? null : quantity ?? (long?)item["quantity"] ?? 1);
                    // A swapped metered price starts counting usage now; the old one was billed to date.
                    if (InvoiceLines.IsMetered(replaced) && (string?)item["price"]!["id"] != (string)price["id"]!) replaced["created"] = now;
                    next[next.IndexOf(item)] = item = replaced;
                }
                else if (change.Long("quantity") is { } quantity)
                {
                    if (InvoiceLines.IsMetered(item))
                        throw StripeApiException.InvalidParam($"{param}[quantity]", "Quantity should not be specified where usage_type is `metered`.");
                    item["quantity"] = quantity;
                }
                if (change.Has("metadata")) item["metadata"] = Api.Metadata(item["metadata"] as JsonObject, change);
            }
            else
            {
                if (change.Bool("deleted") == true) throw StripeApiException.MissingParam($"{param}[id]");
                var (price, quantity) = SubscriptionItemFactory.Validate(w, change, param, currency);
                next.Add(SubscriptionItemFactory.New(w, id, price, quantity, now, start, end, Api.Metadata(null, change)));
            }
        }
        if (next.Count == 0) throw StripeApiException.InvalidParam("items", "A subscription must have at least one active item.");
        var duplicate = next.GroupBy(x => (string)x["price"]!["id"]!).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw StripeApiException.InvalidParam("items", $"Cannot add multiple subscription items with the same price: {duplicate.Key}.");
        return next;
    }

    private static void ApplySimpleFields(JsonObject subscription, StripeParams p, long now)
    {
        if (p.Has("metadata")) subscription["metadata"] = Api.Metadata(subscription["metadata"] as JsonObject, p);
        if (p.Has("description")) subscription["description"] = p.String("description") is { Length: > 0 } d ? d : null;
        if (p.Bool("cancel_at_period_end") is { } atEnd)
        {
            subscription["cancel_at_period_end"] = atEnd;
            subscription["cancel_at"] = atEnd ? SubscriptionCreation.Period(subscription).End : null;
            subscription["canceled_at"] = atEnd ? now : null;
            if (atEnd && p.String("cancellation_details.comment") is { } comment) subscription["cancellation_details"]!["comment"] = comment;
            subscription["cancellation_details"]!["reason"] = atEnd ? "cancellation_requested" : null;
        }
        if (p.Has("cancel_at"))
        {
            var at = p.Timestamp("cancel_at");
            subscription["cancel_at"] = at;
            subscription["cancel_at_period_end"] = false;
            subscription["canceled_at"] = at is null ? null : now;
        }
    }

    public static void AddPendingLines(World w, string subscription, IEnumerable<JsonObject> lines)
    {
        if (!w.Store.PendingLines.TryGetValue(subscription, out var list)) w.Store.PendingLines[subscription] = list = [];
        list.AddRange(lines);
    }

    public static List<JsonObject> TakePendingLines(World w, string subscription) =>
        w.Store.PendingLines.Remove(subscription, out var list) ? list : [];
}
