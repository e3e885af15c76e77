using System.Text.Json.Nodes;
using Credits.StripeEmulator.Http;
using Credits.StripeEmulator.Resources;
using Credits.StripeEmulator.State;

namespace Credits.StripeEmulator.Billing;

/// <summary>
/// What a buyer does on the hosted checkout page: pay (payment mode) or save (setup mode) with a test card, try a
/// declining card (the session stays open: the page shows the decline and the buyer may try another card, as on
/// Stripe), or let it expire.
/// </summary>
public static class CheckoutFlow
{
    /// <summary>
    /// Submits the page with <paramref name="cardToken"/>. <paramref name="saveCard"/>: the buyer ticked "save my
    /// card", which the page offers when <c>saved_payment_method_options[payment_method_save]</c> is enabled.
    /// </summary>
    public static JsonObject Pay(World w, JsonObject session, string cardToken, bool saveCard = false)
    {
        RequireOpen(session);
        var card = TestCard.ByToken(cardToken) ?? throw StripeApiException.InvalidParam("card", $"Unknown test card {cardToken}.");
        // The card typed on the page is a new PaymentMethod; it joins the customer only when saved.
        var pm = PaymentMethods.Create(w, card, null);
        return (string?)session["mode"] == "setup" ? CompleteSetup(w, session, pm) : CompletePayment(w, session, pm, saveCard);
    }

    /// <summary>
    /// Setup mode: the session's SetupIntent is confirmed with the card; on success the card is attached to the
    /// customer (saved with <c>allow_redisplay: limited</c>, https://support.stripe.com/questions/prefilling-saved-cards-in-checkout),
    /// then <c>setup_intent.succeeded</c>, then <c>checkout.session.completed</c> with <c>payment_status: no_payment_required</c>.
    /// </summary>
    private static JsonObject CompleteSetup(World w, JsonObject session, JsonObject pm)
    {
        var intent = w.Store.Get("setup_intent", (string)session["setup_intent"]!, "setup_intent");
        var declined = CardSetups.Confirm(w, intent, pm, allowRedisplay: "limited");
        if (declined is not null || (string)intent["status"]! != "succeeded") return session;
        return Complete(w, session, "no_payment_required");
    }

    /// <summary>
    /// Payment mode: a PaymentIntent (with <c>payment_intent_data</c>) is made and confirmed on-session. When the
    /// session asked to save the card (<c>payment_intent_data[setup_future_usage]</c>, or the buyer ticked the save
    /// box), the paid card is attached to the customer after the payment, before <c>checkout.session.completed</c>.
    /// </summary>
    private static JsonObject CompletePayment(World w, JsonObject session, JsonObject pm, bool saveCard)
    {
        var customer = (string?)session["customer"];
        var data = w.Store.CheckoutIntentData.GetValueOrDefault((string)session["id"]!) ?? [];
        var offered = (string?)session["saved_payment_method_options"]?["payment_method_save"] == "enabled";
        var intent = session["payment_intent"] is JsonValue existing
            ? w.Store.Get("payment_intent", (string)existing!, "payment_intent")
            : Payments.NewIntent(w, (long)session["amount_total"]!, (string)session["currency"]!, customer, null,
                (string?)data["description"], (JsonObject?)data["metadata"]?.DeepClone() ?? []);
        intent["setup_future_usage"] = data["setup_future_usage"]?.DeepClone();
        intent["payment_method"] = pm["id"]!.DeepClone();
        session["payment_intent"] = intent["id"]!.DeepClone();
        var declined = Payments.Confirm(w, intent, offSession: false);
        if (declined is not null || (string)intent["status"]! != "succeeded") return session;
        var ticked = offered && saveCard;
        if (customer is not null && (ticked || intent["setup_future_usage"] is not null))
        {
            pm["customer"] = customer;
            pm["allow_redisplay"] = ticked ? "always" : "limited";
            w.Emit("payment_method.attached", pm);
        }
        return Complete(w, session, "paid");
    }

    private static JsonObject Complete(World w, JsonObject session, string paymentStatus)
    {
        session["status"] = "complete";
        session["payment_status"] = paymentStatus;
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
        // A setup session's SetupIntent is canceled with it (Stripe: "To cancel, expire the Checkout Session instead").
        if ((string?)session["setup_intent"] is { } si && w.Store.Find(si) is { } setup && (string?)setup["status"] is not ("succeeded" or "canceled"))
            CardSetups.Cancel(w, setup, "abandoned");
        w.Emit("checkout.session.expired", session);
        return session;
    }

    private static void RequireOpen(JsonObject session)
    {
        if ((string)session["status"]! != "open")
            throw StripeApiException.Invalid($"This Checkout Session is {session["status"]}, not open.", null, "checkout_session_not_open");
    }
}
