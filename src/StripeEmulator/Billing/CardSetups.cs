using System.Text.Json.Nodes;
using Credits.StripeEmulator.Http;
using Credits.StripeEmulator.Resources;
using Credits.StripeEmulator.State;

namespace Credits.StripeEmulator.Billing;

/// <summary>
/// SetupIntents: saving a card for later payments without charging it (https://docs.stripe.com/api/setup_intents).
/// "If you use the SetupIntent with a Customer, it automatically attaches the resulting payment method to that
/// Customer after successful setup." A confirmation succeeds (<c>setup_intent.succeeded</c>, the card attached:
/// <c>payment_method.attached</c>), is declined by the declining test cards (402 <c>card_error</c>, status back to
/// <c>requires_payment_method</c>, <c>setup_intent.setup_failed</c>), or needs the customer to authenticate (the 3-D
/// Secure cards: <c>requires_action</c>, <c>setup_intent.requires_action</c>). Stripe does not make the card the
/// customer's default: the integration does (https://docs.stripe.com/payments/save-and-reuse).
/// </summary>
public static class CardSetups
{
    public static JsonObject NewIntent(World w, string? customer, string usage, JsonObject metadata, string? description,
        JsonArray paymentMethodTypes, JsonObject? automaticPaymentMethods)
    {
        var id = Ids.New("seti");
        var intent = new JsonObject
        {
            ["id"] = id,
            ["object"] = "setup_intent",
            ["application"] = null,
            ["automatic_payment_methods"] = automaticPaymentMethods,
            ["cancellation_reason"] = null,
            ["client_secret"] = $"{id}_secret_{Ids.Random(32)}",
            ["created"] = customer is null ? w.Clocks.WallNow : w.Clocks.NowForCustomer(customer),
            ["customer"] = customer,
            ["description"] = description,
            ["excluded_payment_method_types"] = null,
            ["flow_directions"] = null,
            ["last_setup_error"] = null,
            ["latest_attempt"] = null,
            ["livemode"] = false,
            ["mandate"] = null,
            ["metadata"] = metadata,
            ["next_action"] = null,
            ["on_behalf_of"] = null,
            ["payment_method"] = null,
            ["payment_method_configuration_details"] = null,
            ["payment_method_options"] = new JsonObject
            {
                ["card"] = new JsonObject { ["mandate_options"] = null, ["network"] = null, ["request_three_d_secure"] = "automatic" },
            },
            ["payment_method_types"] = paymentMethodTypes,
            ["single_use_mandate"] = null,
            ["status"] = "requires_payment_method",
            ["usage"] = usage,
        };
        w.Store.Add(intent);
        w.Emit("setup_intent.created", intent);
        return intent;
    }

    /// <summary>
    /// Confirms with <paramref name="paymentMethod"/> (a card not yet attached, or one of the customer's). Returns
    /// the decline (not thrown), or null when it succeeded or now needs authentication. On success the card is
    /// attached to the intent's customer (<c>allow_redisplay</c> as given: Checkout saves with <c>limited</c>).
    /// </summary>
    public static StripeApiException? Confirm(World w, JsonObject intent, JsonObject paymentMethod, string? allowRedisplay = null)
    {
        if ((string)intent["status"]! is "succeeded" or "canceled" or "processing")
            throw StripeApiException.Invalid($"You cannot confirm this SetupIntent because it has a status of {intent["status"]}.",
                null, "setup_intent_unexpected_state");
        var customer = (string?)intent["customer"];
        if ((string?)paymentMethod["customer"] is { } owner && owner != customer)
            throw StripeApiException.InvalidParam("payment_method",
                "The provided PaymentMethod belongs to another customer and cannot be used with this SetupIntent.");
        intent["payment_method"] = paymentMethod["id"]!.DeepClone();
        var attempt = NewAttempt(w, intent, paymentMethod);
        intent["latest_attempt"] = attempt["id"]!.DeepClone();
        var card = TestCard.All.FirstOrDefault(c => c.Last4 == (string?)paymentMethod["card"]?["last4"]);
        if (card is { FailsAtAttach: true })
        {
            var declined = TestCard.Decline(card.Outcome)!;
            attempt["status"] = "failed";
            attempt["setup_error"] = ErrorObject(declined, paymentMethod);
            intent["status"] = "requires_payment_method";
            intent["payment_method"] = null;
            intent["last_setup_error"] = ErrorObject(declined, paymentMethod);
            w.Emit("setup_intent.setup_failed", intent);
            return declined;
        }
        if (PaymentMethods.OutcomeOf(paymentMethod) == TestCardOutcome.RequiresAction)
        {
            attempt["status"] = "requires_action";
            intent["status"] = "requires_action";
            intent["next_action"] = new JsonObject
            {
                ["type"] = "use_stripe_sdk",
                ["use_stripe_sdk"] = new JsonObject { ["type"] = "three_d_secure_redirect" },
            };
            w.Emit("setup_intent.requires_action", intent);
            return null;
        }
        attempt["status"] = "succeeded";
        intent["status"] = "succeeded";
        intent["next_action"] = null;
        intent["last_setup_error"] = null;
        if (customer is not null && paymentMethod["customer"] is null)
        {
            paymentMethod["customer"] = customer;
            if (allowRedisplay is not null) paymentMethod["allow_redisplay"] = allowRedisplay;
            w.Emit("payment_method.attached", paymentMethod);
        }
        w.Emit("setup_intent.succeeded", intent);
        return null;
    }

    public static JsonObject Cancel(World w, JsonObject intent, string? reason)
    {
        if ((string)intent["status"]! is "succeeded" or "canceled" or "processing")
            throw StripeApiException.Invalid($"You cannot cancel this SetupIntent because it has a status of {intent["status"]}.",
                null, "setup_intent_unexpected_state");
        intent["status"] = "canceled";
        intent["cancellation_reason"] = reason;
        intent["next_action"] = null;
        w.Emit("setup_intent.canceled", intent);
        return intent;
    }

    private static JsonObject ErrorObject(StripeApiException error, JsonObject paymentMethod) => new()
    {
        ["type"] = error.Type,
        ["code"] = error.Code,
        ["decline_code"] = error.DeclineCode,
        ["message"] = error.Message,
        ["payment_method"] = paymentMethod.DeepClone(),
    };

    /// <summary>The <c>setup_attempt</c> each confirmation records (https://docs.stripe.com/api/setup_attempts/object).</summary>
    private static JsonObject NewAttempt(World w, JsonObject intent, JsonObject paymentMethod)
    {
        var attempt = new JsonObject
        {
            ["id"] = Ids.New("setatt"),
            ["object"] = "setup_attempt",
            ["application"] = null,
            ["created"] = intent["created"]!.DeepClone(),
            ["customer"] = intent["customer"]?.DeepClone(),
            ["customer_account"] = null,
            ["flow_directions"] = null,
            ["livemode"] = false,
            ["on_behalf_of"] = null,
            ["payment_method"] = paymentMethod["id"]!.DeepClone(),
            ["payment_method_details"] = new JsonObject { ["card"] = new JsonObject { ["three_d_secure"] = null }, ["type"] = "card" },
            ["setup_error"] = null,
            ["setup_intent"] = intent["id"]!.DeepClone(),
            ["status"] = "processing",
            ["usage"] = intent["usage"]!.DeepClone(),
        };
        w.Store.Add(attempt);
        return attempt;
    }
}
