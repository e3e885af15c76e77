using System.Text.Json.Nodes;
using Credits.StripeEmulator.Http;
using Credits.StripeEmulator.State;

namespace Credits.StripeEmulator.Billing;

/// <summary>
/// Collecting a renewal invoice that the card declined, as Stripe Billing does with Smart Retries
/// (https://docs.stripe.com/billing/revenue-recovery/smart-retries): the subscription becomes
/// <c>past_due</c>, Stripe retries on a schedule (recommended default: 8 retries within 2 weeks; here spread
/// evenly over <c>PaymentRetryWindow</c>, shown in the invoice's <c>next_payment_attempt</c>), and when
/// every retry failed the subscription becomes what the account's settings say (<c>canceled</c> by default,
/// or <c>unpaid</c>, or stays <c>past_due</c>) and the invoice is left open or marked uncollectible. A
/// payment that succeeds (a retry after the customer replaced the card, or <c>POST /pay</c>) returns the
/// subscription to <c>active</c>.
/// </summary>
public static class Dunning
{
    /// <summary>
    /// When the next automatic attempt is due after the one just made, or null when none is left. Only
    /// renewal invoices are retried, and only when there is a payment method to retry (Stripe does not
    /// retry without one).
    /// </summary>
    public static long? NextAttempt(World w, JsonObject invoice, bool hasPaymentMethod)
    {
        var o = w.Options;
        var made = (long)invoice["attempt_count"]!;
        if ((string?)invoice["billing_reason"] != "subscription_cycle" || !hasPaymentMethod || made > o.PaymentRetries) return null;
        var first = (long?)invoice["status_transitions"]!["finalized_at"] ?? w.Clocks.NowForCustomer((string)invoice["customer"]!);
        return first + (long)Math.Ceiling(o.PaymentRetryWindow.TotalSeconds / o.PaymentRetries * made);
    }

    /// <summary>Stripe's own attempt to charge an open renewal invoice (at finalization or a scheduled retry), and its consequences.</summary>
    public static void Collect(World w, JsonObject invoice)
    {
        var declined = InvoiceLifecycle.Pay(w, invoice, automatic: true) is not null;
        if (!declined)
        {
            Settled(w, invoice);
            return;
        }
        if (SubscriptionOf(w, invoice) is not { } subscription) return;
        if ((string?)subscription["status"] is "active" or "trialing")
        {
            var before = (JsonObject)subscription.DeepClone();
            subscription["status"] = "past_due";
            w.Emit("customer.subscription.updated", subscription, Api.PreviousAttributes(before, subscription));
        }
        if (invoice["next_payment_attempt"] is null && (long)invoice["attempt_count"]! > w.Options.PaymentRetries
            && (string?)invoice["billing_reason"] == "subscription_cycle")
            Exhausted(w, invoice, subscription);
    }

    /// <summary>A retry that came due: charged again unless the invoice was paid, voided or closed meanwhile.</summary>
    public static void Retry(World w, JsonObject invoice)
    {
        if ((string?)invoice["status"] != "open" || invoice["auto_advance"]?.GetValue<bool>() != true)
        {
            invoice["next_payment_attempt"] = null;
            return;
        }
        Collect(w, invoice);
    }

    /// <summary>After an invoice is paid: a pending update is applied, and a subscription held back by it is active again.</summary>
    public static void Settled(World w, JsonObject invoice)
    {
        if (SubscriptionOf(w, invoice) is not { } subscription) return;
        if (subscription["pending_update"] is JsonObject)
        {
            SubscriptionUpdate.CompletePendingUpdate(w, subscription);
            return;
        }
        var id = (string)subscription["id"]!;
        var stillOwed = w.Store.All("invoice").Any(i => (string?)i["subscription"] == id && (string?)i["status"] == "open");
        if ((string?)subscription["status"] is "past_due" or "unpaid" or "incomplete" && !stillOwed)
        {
            var before = (JsonObject)subscription.DeepClone();
            subscription["status"] = "active";
            w.Emit("customer.subscription.updated", subscription, Api.PreviousAttributes(before, subscription));
        }
    }

    /// <summary>Every retry failed: the account's settings decide the invoice's and the subscription's fate.</summary>
    private static void Exhausted(World w, JsonObject invoice, JsonObject subscription)
    {
        var now = w.Clocks.NowForCustomer((string)invoice["customer"]!);
        if (w.Options.InvoiceStatusAfterRetries == "uncollectible")
        {
            invoice["status"] = "uncollectible";
            invoice["auto_advance"] = false;
            invoice["status_transitions"]!["marked_uncollectible_at"] = now;
            w.Emit("invoice.marked_uncollectible", invoice);
        }
        if ((string?)subscription["status"] is "canceled" or "incomplete_expired") return;
        switch (w.Options.SubscriptionStatusAfterRetries)
        {
            case "canceled":
                subscription["canceled_at"] = now;
                SubscriptionRenewal.End(w, subscription, now, "payment_failed");
                break;
            case "unpaid":
                var before = (JsonObject)subscription.DeepClone();
                subscription["status"] = "unpaid";
                w.Emit("customer.subscription.updated", subscription, Api.PreviousAttributes(before, subscription));
                break;
        }
    }

    private static JsonObject? SubscriptionOf(World w, JsonObject invoice) =>
        (string?)invoice["subscription"] is { } id ? w.Store.Find(id) : null;
}
