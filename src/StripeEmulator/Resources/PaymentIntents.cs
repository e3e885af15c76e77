using System.Text.Json.Nodes;
using Credits.StripeEmulator.Billing;
using Credits.StripeEmulator.Http;

namespace Credits.StripeEmulator.Resources;

/// <summary>
/// <c>payment_intent</c>: create (optionally <c>confirm=true</c>, <c>off_session=true</c> with a saved
/// card), confirm, cancel. A decline answers 402 <c>card_error</c> with the intent in the error, as Stripe does.
/// </summary>
public static class PaymentIntents
{
    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapPost("/v1/payment_intents", Api.Handle(Create));
        api.MapGet("/v1/payment_intents/{id}", Api.Handle(c => Get(c)));
        api.MapPost("/v1/payment_intents/{id}", Api.Handle(Update));
        api.MapPost("/v1/payment_intents/{id}/confirm", Api.Handle(c => Confirm(c, Get(c))));
        api.MapPost("/v1/payment_intents/{id}/cancel", Api.Handle(Cancel));
        api.MapGet("/v1/payment_intents", Api.Handle(c =>
            Lists.Page(c.Store.All("payment_intent").Where(c.Params, "customer"), c.Params, "/v1/payment_intents")));
    }

    private static JsonObject Get(ApiCall c) => c.Store.Get("payment_intent", c.Route("id"), "payment_intent");

    private static JsonNode Create(ApiCall c)
    {
        var amount = c.Params.Long("amount") ?? throw StripeApiException.MissingParam("amount");
        if (amount < 50) throw StripeApiException.InvalidParam("amount", "Amount must be at least 50 cents.");
        var currency = c.Params.Required("currency").ToLowerInvariant();
        var customer = c.Params.String("customer");
        if (customer is not null) c.Store.Get("customer", customer, "customer", "customer");
        string? pm = null;
        if (c.Params.String("payment_method") is { Length: > 0 } pmParam)
        {
            var resolved = PaymentMethods.Resolve(c, pmParam, customer, "payment_method");
            if (customer is not null && (string?)resolved["customer"] != customer)
                throw StripeApiException.InvalidParam("payment_method", "The provided PaymentMethod belongs to another customer or is not attached.");
            pm = (string)resolved["id"]!;
        }
        var intent = Payments.NewIntent(c.World, amount, currency, customer, pm, c.Params.String("description"), Api.Metadata(null, c.Params));
        return c.Params.Bool("confirm") == true ? Confirm(c, intent) : intent;
    }

    private static JsonObject Confirm(ApiCall c, JsonObject intent)
    {
        if ((string)intent["status"]! is "succeeded" or "canceled")
            throw StripeApiException.Invalid($"This PaymentIntent's status is {intent["status"]}; it cannot be confirmed.", null, "payment_intent_unexpected_state");
        if (c.Params.String("payment_method") is { Length: > 0 } pm && (string?)intent["payment_method"] != pm)
            intent["payment_method"] = PaymentMethods.Resolve(c, pm, (string?)intent["customer"], "payment_method")["id"]!.DeepClone();
        var error = Payments.Confirm(c.World, intent, c.Params.Bool("off_session") == true);
        if (error is not null) throw new StripeApiException(error.Status, error.Type, error.Code, error.Message)
        {
            DeclineCode = error.DeclineCode,
            PaymentIntent = intent,
        };
        return intent;
    }

    private static JsonNode Update(ApiCall c)
    {
        var intent = Get(c);
        if (c.Params.Has("metadata")) intent["metadata"] = Api.Metadata(intent["metadata"] as JsonObject, c.Params);
        if (c.Params.Has("description")) intent["description"] = c.Params.String("description");
        return intent;
    }

    private static JsonNode Cancel(ApiCall c)
    {
        var intent = Get(c);
        if ((string)intent["status"]! is "succeeded" or "canceled")
            throw StripeApiException.Invalid($"You cannot cancel this PaymentIntent because it has a status of {intent["status"]}.", null, "payment_intent_unexpected_state");
        intent["status"] = "canceled";
        intent["canceled_at"] = c.Clocks.WallNow;
        intent["cancellation_reason"] = c.Params.String("cancellation_reason") ?? "requested_by_customer";
        c.Emit("payment_intent.canceled", intent);
        return intent;
    }
}
