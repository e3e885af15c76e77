using System.Text.Json.Nodes;
using Credits.StripeEmulator.Http;
using Credits.StripeEmulator.Resources;
using Credits.StripeEmulator.State;

namespace Credits.StripeEmulator.Billing;

/// <summary>
/// Invoices from draft to paid: created, finalized (at once, or for renewals about an hour later, see
/// <see cref="SubscriptionRenewal"/>), then charged to the subscription's or customer's default payment method.
/// </summary>
public static class InvoiceLifecycle
{
    public static JsonObject Draft(World w, JsonObject customer, JsonObject? subscription, string billingReason,
        IReadOnlyList<JsonObject> lines, long periodStart, long periodEnd, string currency, bool preview = false,
        long? finalizesAt = null, bool autoAdvance = true)
    {
        var id = preview ? "upcoming_" + Ids.Random(24) : Ids.New("in");
        var now = w.Clocks.NowFor(customer);
        foreach (var line in lines) line["invoice"] = id;
        var total = lines.Sum(l => (long)l["amount"]!);
        var invoice = new JsonObject
        {
            ["id"] = id,
            ["object"] = "invoice",
            ["account_country"] = "US",
            ["account_name"] = "Credits (Stripe emulator)",
            ["account_tax_ids"] = null,
            ["amount_due"] = Math.Max(0, total),
            ["amount_overpaid"] = 0L,
            ["amount_paid"] = 0L,
            ["amount_remaining"] = Math.Max(0, total),
            ["amount_shipping"] = 0L,
            ["application"] = null,
            ["attempt_count"] = 0L,
            ["attempted"] = false,
            ["auto_advance"] = !preview && autoAdvance,
            ["automatic_tax"] = new JsonObject { ["disabled_reason"] = null, ["enabled"] = false, ["liability"] = null, ["provider"] = null, ["status"] = null },
            ["automatically_finalizes_at"] = finalizesAt,
            ["billing_reason"] = billingReason,
            ["collection_method"] = "charge_automatically",
            ["created"] = now,
            ["currency"] = currency,
            ["custom_fields"] = null,
            ["customer"] = customer["id"]!.DeepClone(),
            ["customer_account"] = null,
            ["customer_address"] = null,
            ["customer_email"] = customer["email"]?.DeepClone(),
            ["customer_name"] = customer["name"]?.DeepClone(),
            ["customer_phone"] = null,
            ["customer_shipping"] = null,
            ["customer_tax_exempt"] = "none",
            ["customer_tax_ids"] = new JsonArray(),
            ["default_payment_method"] = null,
            ["default_source"] = null,
            ["default_tax_rates"] = new JsonArray(),
            ["description"] = null,
            ["discounts"] = new JsonArray(),
            ["due_date"] = null,
            ["effective_at"] = null,
            ["ending_balance"] = null,
            ["footer"] = null,
            ["from_invoice"] = null,
            ["hosted_invoice_url"] = null,
            ["invoice_pdf"] = null,
            ["issuer"] = new JsonObject { ["type"] = "self" },
            ["last_finalization_error"] = null,
            ["latest_revision"] = null,
            ["lines"] = Lists.Envelope(lines, false, $"/v1/invoices/{id}/lines"),
            ["livemode"] = false,
            ["metadata"] = new JsonObject(),
            ["next_payment_attempt"] = null,
            ["number"] = null,
            ["on_behalf_of"] = null,
            ["parent"] = subscription is null ? null : new JsonObject
            {
                ["type"] = "subscription_details",
                ["quote_details"] = null,
                ["subscription_details"] = new JsonObject { ["metadata"] = subscription["metadata"]!.DeepClone(), ["subscription"] = subscription["id"]!.DeepClone() },
            },
            ["payment_settings"] = new JsonObject { ["default_mandate"] = null, ["payment_method_options"] = null, ["payment_method_types"] = null },
            ["period_end"] = periodEnd,
            ["period_start"] = periodStart,
            ["post_payment_credit_notes_amount"] = 0L,
            ["pre_payment_credit_notes_amount"] = 0L,
            ["receipt_number"] = null,
            ["rendering"] = null,
            ["shipping_cost"] = null,
            ["shipping_details"] = null,
            ["starting_balance"] = 0L,
            ["statement_descriptor"] = null,
            ["status"] = "draft",
            ["status_transitions"] = new JsonObject { ["finalized_at"] = null, ["marked_uncollectible_at"] = null, ["paid_at"] = null, ["voided_at"] = null },
            ["subscription"] = subscription?["id"]!.DeepClone(),
            ["subtotal"] = total,
            ["subtotal_excluding_tax"] = total,
            ["test_clock"] = customer["test_clock"]?.DeepClone(),
            ["total"] = total,
            ["total_discount_amounts"] = new JsonArray(),
            ["total_excluding_tax"] = total,
            ["total_pretax_credit_amounts"] = new JsonArray(),
            ["total_taxes"] = new JsonArray(),
            ["webhooks_delivered_at"] = null,
        };
        if (preview) return invoice;
        w.Store.Add(invoice);
        w.Emit("invoice.created", invoice);
        return invoice;
    }

    public static void Finalize(World w, JsonObject invoice, JsonObject customer)
    {
        var now = w.Clocks.NowFor(customer);
        var sequence = (long)customer["next_invoice_sequence"]!;
        customer["next_invoice_sequence"] = sequence + 1;
        invoice["number"] = $"{customer["invoice_prefix"]}-{sequence:0000}";
        ApplyCustomerBalance(invoice, customer);
        invoice["status"] = "open";
        invoice["automatically_finalizes_at"] = null;
        invoice["effective_at"] = now;
        invoice["status_transitions"]!["finalized_at"] = now;
        invoice["webhooks_delivered_at"] = now;
        // Set once an invoice is finalized; null on drafts (https://docs.stripe.com/api/invoices/object#invoice_object-hosted_invoice_url).
        invoice["hosted_invoice_url"] = w.PageUrl($"/invoice/{invoice["id"]}");
        invoice["invoice_pdf"] = w.PageUrl($"/invoice/{invoice["id"]}/pdf");
        w.Emit("invoice.finalized", invoice);
        if ((long)invoice["amount_due"]! == 0) MarkPaid(w, invoice, now);
    }

    /// <summary>
    /// The customer's balance at finalization (https://docs.stripe.com/billing/customer/balance): a credit (negative)
    /// reduces what is due, a debit (positive) adds to it, and a negative total is added to the credit. The invoice
    /// records <c>starting_balance</c> and <c>ending_balance</c>; the customer keeps the ending balance. A preview shows
    /// the current balance applied and changes nothing (<paramref name="preview"/>).
    /// </summary>
    public static void ApplyCustomerBalance(JsonObject invoice, JsonObject customer, bool preview = false)
    {
        var balance = (long?)customer["balance"] ?? 0;
        var due = (long)invoice["total"]! + balance;
        var ending = Math.Min(due, 0);
        invoice["starting_balance"] = balance;
        invoice["ending_balance"] = ending;
        invoice["amount_due"] = Math.Max(0, due);
        invoice["amount_remaining"] = Math.Max(0, due);
        if (preview) return;
        customer["balance"] = ending;
    }

    /// <summary>
    /// The payment method an invoice is charged to: its own <c>default_payment_method</c> (set by <c>POST /pay</c> with
    /// <c>payment_method</c>), else the subscription's, else the customer's invoice default
    /// (https://docs.stripe.com/api/invoices/object#invoice_object-default_payment_method).
    /// </summary>
    public static string? PaymentMethodFor(World w, JsonObject invoice)
    {
        var subscription = (string?)invoice["subscription"] is { } s ? w.Store.Find(s) : null;
        var customer = w.Store.Find((string)invoice["customer"]!);
        return (string?)invoice["default_payment_method"] ?? (string?)subscription?["default_payment_method"]
            ?? (string?)customer?["invoice_settings"]?["default_payment_method"];
    }

    /// <summary>
    /// Charges an open invoice; returns the decline, or null when paid. An automatic attempt (Stripe's own, not
    /// a <c>POST /pay</c>) that fails schedules the next retry in <c>next_payment_attempt</c> (see <see cref="Dunning"/>).
    /// </summary>
    /// <paramref name="card"/>: a card the customer typed on the hosted invoice page, charged on-session instead of the saved one.
    public static StripeApiException? Pay(World w, JsonObject invoice, bool automatic = false, string? card = null)
    {
        if ((string?)invoice["status"] == "paid") return null;
        var customer = w.Store.Get("customer", (string)invoice["customer"]!, "customer");
        var now = w.Clocks.NowFor(customer);
        invoice["attempted"] = true;
        invoice["attempt_count"] = (long)invoice["attempt_count"]! + 1;
        var pm = card ?? PaymentMethodFor(w, invoice);
        StripeApiException? error;
        if (pm is null)
        {
            error = StripeApiException.Invalid("This customer has no attached payment source or default payment method.", null, "resource_missing");
        }
        else
        {
            var intent = Payments.NewIntent(w, (long)invoice["amount_due"]!, (string)invoice["currency"]!, (string)customer["id"]!, pm,
                $"Invoice {invoice["number"]}", new JsonObject { ["invoice"] = (string)invoice["id"]! });
            // An invoice's PaymentIntent waits for the customer when the card needs authentication (requires_action, so
            // the hosted invoice page can finish it) instead of failing like an off-session PaymentIntent; Stripe sends
            // invoice.payment_action_required, then invoice.payment_failed ("The PaymentIntent status changes to
            // requires_action", https://docs.stripe.com/billing/subscriptions/webhooks).
            error = Payments.Confirm(w, intent, offSession: false);
            if (error is null && (string?)intent["status"] == "requires_action")
            {
                w.Emit("invoice.payment_action_required", invoice);
                error = TestCard.AuthenticationRequired();
            }
        }
        if (error is null)
        {
            MarkPaid(w, invoice, now);
            return null;
        }
        if (automatic) invoice["next_payment_attempt"] = Dunning.NextAttempt(w, invoice, pm is not null);
        w.Emit("invoice.payment_failed", invoice);
        return error;
    }

    private static void MarkPaid(World w, JsonObject invoice, long now)
    {
        invoice["status"] = "paid";
        invoice["auto_advance"] = false;
        invoice["next_payment_attempt"] = null;
        invoice["amount_paid"] = invoice["amount_due"]!.DeepClone();
        invoice["amount_remaining"] = 0L;
        invoice["status_transitions"]!["paid_at"] = now;
        w.Emit("invoice.paid", invoice);
        w.Emit("invoice.payment_succeeded", invoice);
    }

    /// <summary>Voids an open or uncollectible invoice: nothing more is collected (<c>invoice.voided</c>).</summary>
    public static void Void(World w, JsonObject invoice)
    {
        var customer = w.Store.Get("customer", (string)invoice["customer"]!, "customer");
        invoice["status"] = "void";
        invoice["auto_advance"] = false;
        invoice["next_payment_attempt"] = null;
        invoice["status_transitions"]!["voided_at"] = w.Clocks.NowFor(customer);
        w.Emit("invoice.voided", invoice);
    }

    /// <summary>Replaces a draft's lines and recomputes its amounts (a renewal draft's usage, recounted at finalization).</summary>
    public static void SetLines(JsonObject invoice, IReadOnlyList<JsonObject> lines)
    {
        var id = (string)invoice["id"]!;
        foreach (var line in lines) line["invoice"] = id;
        var total = lines.Sum(l => (long)l["amount"]!);
        invoice["lines"] = Lists.Envelope(lines, false, $"/v1/invoices/{id}/lines");
        invoice["amount_due"] = Math.Max(0, total);
        invoice["amount_remaining"] = Math.Max(0, total);
        invoice["subtotal"] = total;
        invoice["subtotal_excluding_tax"] = total;
        invoice["total"] = total;
        invoice["total_excluding_tax"] = total;
    }

    /// <summary>Whether charging this customer (or subscription) now would succeed, without charging.</summary>
    public static StripeApiException? PredictPayment(World w, JsonObject customer, string? subscriptionPaymentMethod)
    {
        var pmId = subscriptionPaymentMethod ?? (string?)customer["invoice_settings"]?["default_payment_method"];
        if (pmId is null)
            return StripeApiException.Invalid("This customer has no attached payment source or default payment method.", null, "resource_missing");
        var pm = w.Store.Get("payment_method", pmId, "PaymentMethod");
        var outcome = Resources.PaymentMethods.OutcomeOf(pm);
        return outcome == Resources.TestCardOutcome.RequiresAction ? Resources.TestCard.AuthenticationRequired() : Resources.TestCard.Decline(outcome);
    }
}
