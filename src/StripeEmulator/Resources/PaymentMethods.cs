using System.Text.Json.Nodes;
using Credits.StripeEmulator.Http;
using Credits.StripeEmulator.State;

namespace Credits.StripeEmulator.Resources;

/// <summary><c>payment_method</c>: cards created from test tokens, attached to customers.</summary>
public static class PaymentMethods
{
    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapGet("/v1/payment_methods/{id}", Api.Handle(c => c.Store.Get("payment_method", c.Route("id"), "PaymentMethod")));
        api.MapGet("/v1/payment_methods", Api.Handle(List));
        api.MapGet("/v1/customers/{customer}/payment_methods", Api.Handle(List));
        api.MapPost("/v1/payment_methods/{id}/attach", Api.Handle(Attach));
        api.MapPost("/v1/payment_methods/{id}/detach", Api.Handle(Detach));
    }

    /// <summary>
    /// A payment method id, or a test token (<c>pm_card_visa</c>) turned into one attached to the customer.
    /// <paramref name="attaching"/>: the request attaches the card (attach, a customer's <c>payment_method</c>),
    /// so a card Stripe cannot attach is declined here.
    /// </summary>
    public static JsonObject Resolve(ApiCall call, string idOrToken, string? customer, string param, bool attaching = false)
    {
        if (TestCard.ByToken(idOrToken) is not { } card)
            return call.Store.Get("payment_method", idOrToken, "PaymentMethod", param);
        if (attaching) RefuseAtAttach(call, idOrToken);
        if (customer is not null && call.Store.ResolvedTokens.TryGetValue((customer, idOrToken), out var existing))
            return call.Store.Get("payment_method", existing, "PaymentMethod", param);
        var pm = Create(call.World, card, customer);
        if (customer is not null)
        {
            call.Store.ResolvedTokens[(customer, idOrToken)] = (string)pm["id"]!;
            call.Emit("payment_method.attached", pm);
        }
        return pm;
    }

    /// <summary>A card payment method for a test card, attached to the customer when given.</summary>
    public static JsonObject Create(World w, TestCard card, string? customer)
    {
        var pm = new JsonObject
        {
            ["id"] = Ids.New("pm"),
            ["object"] = "payment_method",
            ["allow_redisplay"] = "unspecified",
            ["billing_details"] = new JsonObject
            {
                ["address"] = new JsonObject { ["city"] = null, ["country"] = null, ["line1"] = null, ["line2"] = null, ["postal_code"] = null, ["state"] = null },
                ["email"] = null, ["name"] = null, ["phone"] = null, ["tax_id"] = null,
            },
            ["card"] = new JsonObject
            {
                ["brand"] = card.Brand,
                ["checks"] = new JsonObject { ["address_line1_check"] = null, ["address_postal_code_check"] = null, ["cvc_check"] = "pass" },
                ["country"] = "US",
                ["display_brand"] = card.Brand,
                ["exp_month"] = 12L,
                ["exp_year"] = DateTime.UtcNow.Year + 3,
                ["fingerprint"] = Ids.Random(16),
                ["funding"] = "credit",
                ["generated_from"] = null,
                ["last4"] = card.Last4,
                ["networks"] = new JsonObject { ["available"] = new JsonArray(card.Brand), ["preferred"] = null },
                ["regulated_status"] = "unregulated",
                ["three_d_secure_usage"] = new JsonObject { ["supported"] = true },
                ["wallet"] = null,
            },
            ["created"] = w.Clocks.WallNow,
            ["customer"] = customer,
            ["customer_account"] = null,
            ["livemode"] = false,
            ["metadata"] = new JsonObject(),
            ["type"] = "card",
        };
        w.Store.Add(pm);
        return pm;
    }

    /// <summary>
    /// Stripe validates a card when it is attached to a customer; the declining test cards fail there
    /// (402 card_error), before anything is created. Off with <c>DeclineCardsAtAttach=false</c>.
    /// </summary>
    public static void RefuseAtAttach(ApiCall call, string? token)
    {
        if (token is null || !call.Options.DeclineCardsAtAttach || TestCard.ByToken(token) is not { FailsAtAttach: true } card) return;
        throw TestCard.Decline(card.Outcome)!;
    }

    public static TestCardOutcome OutcomeOf(JsonObject pm) => TestCard.OutcomeOf((string?)pm["card"]?["last4"]);

    private static JsonNode List(ApiCall c)
    {
        var customer = c.Http.GetRouteValue("customer") as string ?? c.Params.Required("customer");
        c.Store.Get("customer", customer, "customer", "customer");
        return Lists.Page(c.Store.All("payment_method").Where(pm => (string?)pm["customer"] == customer), c.Params,
            $"/v1/customers/{customer}/payment_methods");
    }

    private static JsonNode Attach(ApiCall c)
    {
        var customer = c.Params.Required("customer");
        c.Store.Get("customer", customer, "customer", "customer");
        var pm = Resolve(c, c.Route("id"), customer, "id", attaching: true);
        if ((string?)pm["customer"] is { } owner && owner != customer)
            throw StripeApiException.Invalid("The payment method you provided has already been attached to a customer.");
        if (pm["customer"] is null)
        {
            pm["customer"] = customer;
            c.Emit("payment_method.attached", pm);
        }
        return pm;
    }

    private static JsonNode Detach(ApiCall c)
    {
        var pm = c.Store.Get("payment_method", c.Route("id"), "PaymentMethod");
        if (pm["customer"] is null) throw StripeApiException.Invalid("The payment method is not attached to a customer.");
        pm["customer"] = null;
        c.Emit("payment_method.detached", pm);
        return pm;
    }
}
