using System.Text.Json.Nodes;
using Credits.StripeEmulator.Http;
using Credits.StripeEmulator.Resources;
using Credits.StripeEmulator.State;

namespace Credits.StripeEmulator.Billing;

/// <summary>
/// What a buyer does on the hosted checkout page: pay with a test card (the session completes, paid),
/// try a declining card (the session stays open, the payment intent fails), or let it expire.
/// </summary>
public static class CheckoutFlow
{
    public static JsonObject Pay(World w, JsonObject session, string cardToken)
    {
        RequireOpen(session);
        var customer = (string?)session["customer"];
        var card = TestCard.ByToken(cardToken) ?? throw StripeApiException.InvalidParam("card", $"Unknown test card {cardToken}.");
        var pm = ResolveCard(w, card, customer);
        var intent = session["payment_intent"] is JsonValue existing
            ? w.Store.Get("payment_intent", (string)existing!, "payment_intent")
            : Payments.NewIntent(w, (long)session["amount_total"]!, (string)session["currency"]!, customer, null, null,
                (JsonObject)session["metadata"]!.DeepClone());
        intent["payment_method"] = pm;
        session["payment_intent"] = intent["id"]!.DeepClone();
        var declined = Payments.Confirm(w, intent, offSession: false);
        if (declined is not null || (string)intent["status"]! != "succeeded") return session;
        session["status"] = "complete";
        session["payment_status"] = "paid";
        session["customer_details"] = new JsonObject
        {
            ["address"] = null, ["email"] = session["customer_email"]?.DeepClone(), ["name"] = null, ["phone"] = null,
            ["tax_exempt"] = "none", ["tax_ids"] = new JsonArray(), ["business_name"] = null, ["individual_name"] = null,
        };
        w.Emit("checkout.session.completed", session);
        return session;
    }

    public static JsonObject Expire(World w, JsonObject session)
    {
        RequireOpen(session);
        session["status"] = "expired";
        if ((string?)session["payment_intent"] is { } pi && w.Store.Find(pi) is { } intent && (string?)intent["status"] != "succeeded")
        {
            intent["status"] = "canceled";
            intent["cancellation_reason"] = "abandoned";
            w.Emit("payment_intent.canceled", intent);
        }
        w.Emit("checkout.session.expired", session);
        return session;
    }

    private static void RequireOpen(JsonObject session)
    {
        if ((string)session["status"]! != "open")
            throw StripeApiException.Invalid($"This Checkout Session is {session["status"]}, not open.", null, "checkout_session_not_open");
    }

    /// <summary>A card typed on the page: attached to the session's customer when there is one.</summary>
    private static string ResolveCard(World w, TestCard card, string? customer)
    {
        if (customer is not null && w.Store.ResolvedTokens.TryGetValue((customer, card.Token), out var known)) return known;
        var pm = PaymentMethods.Create(w, card, customer);
        if (customer is not null) w.Store.ResolvedTokens[(customer, card.Token)] = (string)pm["id"]!;
        return (string)pm["id"]!;
    }
}
