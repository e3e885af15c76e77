using System.Text.Json.Nodes;
using Credits.StripeEmulator.Http;
using Credits.StripeEmulator.State;

namespace Credits.StripeEmulator.Billing;

/// <summary>
/// A subscription whose first invoice is not paid within 23 hours of its creation becomes
/// <c>incomplete_expired</c>, a terminal status, and its open invoice is voided
/// (https://docs.stripe.com/api/subscriptions/object#subscription_object-status). Stripe announces it with
/// <c>customer.subscription.updated</c> (status <c>incomplete_expired</c>, <c>canceled_at</c> and
/// <c>ended_at</c> set), not <c>customer.subscription.deleted</c>.
/// </summary>
public static class IncompleteExpiry
{
    public static long DueAt(World w, JsonObject subscription) =>
        (long)subscription["created"]! + (long)w.Options.IncompleteExpiry.TotalSeconds;

    public static void Expire(World w, JsonObject subscription)
    {
        var id = (string)subscription["id"]!;
        var now = w.Clocks.NowForClock((string?)subscription["test_clock"]);
        foreach (var invoice in w.Store.All("invoice").Where(i => (string?)i["subscription"] == id && (string?)i["status"] == "open").ToList())
            InvoiceLifecycle.Void(w, invoice);
        var before = (JsonObject)subscription.DeepClone();
        subscription["status"] = "incomplete_expired";
        subscription["canceled_at"] = now;
        subscription["ended_at"] = now;
        w.Store.PendingLines.Remove(id);
        w.Emit("customer.subscription.updated", subscription, Api.PreviousAttributes(before, subscription));
    }
}
