using System.Text.Json.Nodes;
using Credits.StripeEmulator.Billing;
using Credits.StripeEmulator.Http;

namespace Credits.StripeEmulator.Resources;

/// <summary>
/// <c>setup_intent</c>: create (optionally <c>confirm=true</c> with a test card), confirm, cancel, update metadata,
/// read, list by <c>customer</c> / <c>payment_method</c> (https://docs.stripe.com/api/setup_intents). The rules of a
/// confirmation live in <see cref="CardSetups"/>. SetupIntents of Checkout sessions are confirmed by the hosted page.
/// </summary>
public static class SetupIntents
{
    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapPost("/v1/setup_intents", Api.Handle(Create));
        api.MapGet("/v1/setup_intents/{id}", Api.Handle(c => Get(c)));
        api.MapPost("/v1/setup_intents/{id}", Api.Handle(Update));
        api.MapPost("/v1/setup_intents/{id}/confirm", Api.Handle(c => Confirm(c, Get(c))));
        api.MapPost("/v1/setup_intents/{id}/cancel", Api.Handle(c =>
        {
            var intent = Get(c);
            RefuseCheckoutOwned(c, intent);
            return CardSetups.Cancel(c.World, intent, c.Params.String("cancellation_reason"));
        }));
        api.MapGet("/v1/setup_intents", Api.Handle(c =>
            Lists.Page(c.Store.All("setup_intent").Where(c.Params, "customer", "payment_method"), c.Params, "/v1/setup_intents")));
        api.MapGet("/v1/setup_attempts", Api.Handle(c =>
            Lists.Page(c.Store.All("setup_attempt").Where(c.Params, "setup_intent"), c.Params, "/v1/setup_attempts")));
    }

    private static JsonObject Get(ApiCall c) => c.Store.Get("setup_intent", c.Route("id"), "setup_intent");

    private static JsonNode Create(ApiCall c)
    {
        var customer = c.Params.String("customer");
        if (customer is not null) c.Store.Get("customer", customer, "customer", "customer");
        var usage = c.Params.String("usage") ?? "off_session";
        if (usage is not ("off_session" or "on_session"))
            throw StripeApiException.Malformed("usage", $"Invalid usage: must be one of off_session or on_session");
        // Without a list of types, SetupIntents take the payment methods enabled in the Dashboard
        // (automatic_payment_methods, the default since API version 2023-08-16).
        // Stripe.net 53 (API 2026-10-28.endive) sends allowed_payment_method_types; older versions payment_method_types.
        var types = c.Params.Strings("allowed_payment_method_types") is { Count: > 0 } allowed ? allowed : c.Params.Strings("payment_method_types");
        JsonObject? automatic = null;
        if (types.Count == 0)
            automatic = new JsonObject
            {
                ["allow_redirects"] = c.Params.String("automatic_payment_methods.allow_redirects") ?? "always",
                ["enabled"] = true,
            };
        var intent = CardSetups.NewIntent(c.World, customer, usage, Api.Metadata(null, c.Params), c.Params.String("description"),
            new JsonArray(types.Count == 0 ? ["card"] : types.Select(t => (JsonNode)t).ToArray()), automatic);
        if (c.Params.String("payment_method") is { Length: > 0 } pm) intent["payment_method"] = ResolveCard(c, pm, customer)["id"]!.DeepClone();
        if (intent["payment_method"] is not null) intent["status"] = "requires_confirmation";
        return c.Params.Bool("confirm") == true ? Confirm(c, intent) : intent;
    }

    private static JsonObject Confirm(ApiCall c, JsonObject intent)
    {
        RefuseCheckoutOwned(c, intent);
        var pmId = c.Params.String("payment_method") is { Length: > 0 } pm
            ? (string)ResolveCard(c, pm, (string?)intent["customer"])["id"]!
            : (string?)intent["payment_method"]
              ?? throw StripeApiException.Invalid("You cannot confirm this SetupIntent because it's missing a payment method. "
                  + "To confirm it, update it with a payment method or pass one in `payment_method`.", null, "setup_intent_unexpected_state");
        // "A return_url must be specified because this Setup Intent is configured to automatically accept the payment
        // methods enabled in the Dashboard, some of which may require a full page redirect to succeed." (Stripe's message,
        // quoted in https://github.com/woocommerce/woocommerce-gateway-stripe/issues/3284)
        if (intent["automatic_payment_methods"] is JsonObject auto && (string?)auto["allow_redirects"] != "never"
            && c.Params.String("return_url") is not { Length: > 0 })
            throw StripeApiException.Invalid("A return_url must be specified because this Setup Intent is configured to automatically accept the payment "
                + "methods enabled in the Dashboard, some of which may require a full page redirect to succeed. If you do not want to accept "
                + "redirect-based payment methods, set automatic_payment_methods[enabled] to true and automatic_payment_methods[allow_redirects] "
                + "to never when creating Setup Intents and Payment Intents.", "return_url");
        var error = CardSetups.Confirm(c.World, intent, c.Store.Get("payment_method", pmId, "PaymentMethod", "payment_method"));
        if (error is not null)
            throw new StripeApiException(error.Status, error.Type, error.Code, error.Message) { DeclineCode = error.DeclineCode, SetupIntent = intent };
        return intent;
    }

    /// <summary>A test token becomes a new card (attached only when the setup succeeds); an id must be a card of this customer or of none.</summary>
    private static JsonObject ResolveCard(ApiCall c, string idOrToken, string? customer)
    {
        if (TestCard.ByToken(idOrToken) is { } card) return PaymentMethods.Create(c.World, card, null);
        var pm = c.Store.Get("payment_method", idOrToken, "PaymentMethod", "payment_method");
        if ((string?)pm["customer"] is { } owner && owner != customer)
            throw StripeApiException.InvalidParam("payment_method", "The provided PaymentMethod belongs to another customer and cannot be used with this SetupIntent.");
        return pm;
    }

    private static JsonNode Update(ApiCall c)
    {
        var intent = Get(c);
        if (c.Params.Has("metadata")) intent["metadata"] = Api.Metadata(intent["metadata"] as JsonObject, c.Params);
        if (c.Params.Has("description")) intent["description"] = c.Params.String("description");
        return intent;
    }

    /// <summary>
    /// Stripe: "You can't confirm or cancel the SetupIntent for a Checkout Session. To cancel, expire the Checkout
    /// Session instead." (https://docs.stripe.com/api/checkout/sessions/object#checkout_session_object-setup_intent)
    /// </summary>
    private static void RefuseCheckoutOwned(ApiCall c, JsonObject intent)
    {
        var id = (string)intent["id"]!;
        if (c.Store.All("checkout.session").Any(s => (string?)s["setup_intent"] == id))
            throw StripeApiException.Invalid("You cannot confirm or cancel a SetupIntent that belongs to a Checkout Session; expire the Checkout Session instead.",
                null, "setup_intent_unexpected_state");
    }
}
