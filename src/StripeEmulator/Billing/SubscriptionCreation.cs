using System.Text.Json.Nodes;
using Credits.StripeEmulator.Http;
using Credits.StripeEmulator.State;

namespace Credits.StripeEmulator.Billing;

/// <summary>
/// Creating a subscription: the first invoice bills licensed items for the first period in advance
/// (metered items get a zero line), then is charged according to <c>payment_behavior</c>:
/// allow_incomplete (default: status incomplete on decline), error_if_incomplete (402, nothing
/// created), default_incomplete (no charge attempted).
/// </summary>
public static class SubscriptionCreation
{
    public static JsonObject Create(World w, StripeParams p)
    {
        var customer = w.Store.Get("customer", p.Required("customer"), "customer", "customer");
        var itemParams = p.Objects("items");
        if (itemParams.Count == 0) throw StripeApiException.MissingParam("items");
        var behavior = p.String("payment_behavior") ?? "allow_incomplete";
        if (behavior is not ("allow_incomplete" or "error_if_incomplete" or "default_incomplete" or "pending_if_incomplete"))
            throw StripeApiException.InvalidParam("payment_behavior", $"Invalid payment_behavior: {behavior}");
        if (behavior == "pending_if_incomplete")
            throw StripeApiException.InvalidParam("payment_behavior", "pending_if_incomplete is only supported when updating a subscription.");
        string? defaultPm = null;
        if (p.String("default_payment_method") is { Length: > 0 } pmParam)
            defaultPm = (string)w.Store.Get("payment_method", pmParam, "PaymentMethod", "default_payment_method")["id"]!;

        var prices = new List<(JsonObject Price, long? Quantity, JsonObject Metadata)>();
        string? currency = null;
        for (var i = 0; i < itemParams.Count; i++)
        {
            var (price, quantity) = SubscriptionItemFactory.Validate(w, itemParams[i], $"items[{i}]", currency);
            currency ??= (string)price["currency"]!;
            if (prices.Any(x => x.Price["id"]!.ToString() == price["id"]!.ToString()))
                throw StripeApiException.InvalidParam($"items[{i}][price]", "Cannot add multiple subscription items with the same price.");
            prices.Add((price, quantity, Api.Metadata(null, itemParams[i])));
        }
        var interval = prices.Select(x => ((string)x.Price["recurring"]!["interval"]!, (long)x.Price["recurring"]!["interval_count"]!)).Distinct().ToList();
        if (interval.Count > 1) throw StripeApiException.InvalidParam("items", "All prices on a subscription must have the same recurring interval.");

        var now = w.Clocks.NowFor(customer);
        var end = Periods.Add(now, interval[0].Item1, interval[0].Item2);
        var firstCharge = prices.Where(x => x.Quantity is not null).Sum(x => (decimal)x.Quantity!.Value * decimal.Parse((string)x.Price["unit_amount_decimal"]!, System.Globalization.CultureInfo.InvariantCulture));
        if (behavior == "error_if_incomplete" && firstCharge > 0
            && InvoiceLifecycle.PredictPayment(w, customer, defaultPm) is { } declined)
            throw declined;

        var id = Ids.New("sub");
        var items = prices.Select(x => SubscriptionItemFactory.New(w, id, x.Price, x.Quantity, now, now, end, x.Metadata)).ToList();
        var subscription = New(w, id, customer, currency!, now, items, p, defaultPm);
        w.Store.Add(subscription);

        var lines = items.Select(item => InvoiceLines.IsMetered(item)
            ? InvoiceLines.ForItem(item, id, 0, 0, now, end, $"{InvoiceLines.ProductName(w.Store, item)} (usage)", false)
            : InvoiceLines.ForItem(item, id, InvoiceLines.Amount(item, (long)item["quantity"]!), (long)item["quantity"]!, now, end,
                $"{item["quantity"]} × {InvoiceLines.ProductName(w.Store, item)}", false)).ToList();
        var invoice = InvoiceLifecycle.Draft(w, customer, subscription, "subscription_create", lines, now, now, currency!);
        subscription["latest_invoice"] = (string)invoice["id"]!;
        w.Emit("customer.subscription.created", subscription);
        InvoiceLifecycle.Finalize(w, invoice, customer);
        if ((string)invoice["status"]! != "paid" && behavior != "default_incomplete") InvoiceLifecycle.Pay(w, invoice);
        if ((string)invoice["status"]! == "paid")
        {
            var before = (JsonObject)subscription.DeepClone();
            subscription["status"] = "active";
            w.Emit("customer.subscription.updated", subscription, Api.PreviousAttributes(before, subscription));
        }
        return subscription;
    }

    private static JsonObject New(World w, string id, JsonObject customer, string currency, long now, List<JsonObject> items,
        StripeParams p, string? defaultPm) => new()
    {
        ["id"] = id,
        ["object"] = "subscription",
        ["application"] = null,
        ["application_fee_percent"] = null,
        ["automatic_tax"] = new JsonObject { ["disabled_reason"] = null, ["enabled"] = false, ["liability"] = null },
        ["billing_cycle_anchor"] = now,
        ["billing_cycle_anchor_config"] = null,
        ["billing_mode"] = new JsonObject
        {
            ["type"] = p.String("billing_mode.type") ?? "flexible",
            ["flexible"] = new JsonObject { ["proration_discounts"] = "included" },
            ["updated_at"] = now,
        },
        ["billing_schedules"] = new JsonArray(),
        ["billing_thresholds"] = null,
        ["cancel_at"] = null,
        ["cancel_at_period_end"] = false,
        ["canceled_at"] = null,
        ["cancellation_details"] = new JsonObject { ["comment"] = null, ["feedback"] = null, ["reason"] = null },
        ["collection_method"] = "charge_automatically",
        ["created"] = now,
        ["currency"] = currency,
        ["customer"] = customer["id"]!.DeepClone(),
        ["customer_account"] = null,
        ["days_until_due"] = null,
        ["default_payment_method"] = defaultPm,
        ["default_source"] = null,
        ["default_tax_rates"] = new JsonArray(),
        ["description"] = p.String("description"),
        ["discounts"] = new JsonArray(),
        ["ended_at"] = null,
        ["invoice_settings"] = new JsonObject { ["account_tax_ids"] = null, ["issuer"] = new JsonObject { ["type"] = "self" } },
        ["items"] = Lists.Envelope(items, false, $"/v1/subscription_items?subscription={id}"),
        ["latest_invoice"] = null,
        ["livemode"] = false,
        ["managed_payments"] = null,
        ["metadata"] = Api.Metadata(null, p),
        ["next_pending_invoice_item_invoice"] = null,
        ["on_behalf_of"] = null,
        ["pause_collection"] = null,
        ["payment_settings"] = new JsonObject
        {
            ["payment_method_options"] = null, ["payment_method_types"] = null, ["save_default_payment_method"] = "off",
        },
        ["pending_invoice_item_interval"] = null,
        ["pending_setup_intent"] = null,
        ["pending_update"] = null,
        ["schedule"] = null,
        ["start_date"] = now,
        ["status"] = "incomplete",
        ["test_clock"] = customer["test_clock"]?.DeepClone(),
        ["transfer_data"] = null,
        ["trial_end"] = null,
        ["trial_settings"] = new JsonObject { ["end_behavior"] = new JsonObject { ["missing_payment_method"] = "create_invoice" } },
        ["trial_start"] = null,
    };

    public static JsonArray Items(JsonObject subscription) => subscription["items"]!["data"]!.AsArray();

    public static (long Start, long End) Period(JsonObject subscription)
    {
        var first = Items(subscription)[0]!;
        return ((long)first["current_period_start"]!, (long)first["current_period_end"]!);
    }
}
