using System.Text.Json.Nodes;
using Credits.StripeEmulator.Billing;
using Credits.StripeEmulator.Hosting;
using Credits.StripeEmulator.Http;
using Credits.StripeEmulator.State;

namespace Credits.StripeEmulator.Resources;

/// <summary>
/// <c>checkout.session</c> in payment mode. Its <c>url</c> is the emulator's hosted test page
/// (/checkout/{id}); the page and the control API complete, decline or expire it (<see cref="CheckoutFlow"/>).
/// </summary>
public static class CheckoutSessions
{
    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapPost("/v1/checkout/sessions", Api.Handle(Create));
        api.MapGet("/v1/checkout/sessions/{id}", Api.Handle(c => c.Store.Get("checkout.session", c.Route("id"), "checkout session")));
        api.MapPost("/v1/checkout/sessions/{id}/expire", Api.Handle(c =>
        {
            var session = c.Store.Get("checkout.session", c.Route("id"), "checkout session");
            if ((string)session["status"]! != "open")
                throw StripeApiException.Invalid($"Only open sessions can be expired; this one is {session["status"]}.", null, "checkout_session_not_open");
            return CheckoutFlow.Expire(c.World, session);
        }));
        api.MapGet("/v1/checkout/sessions", Api.Handle(c =>
            Lists.Page(c.Store.All("checkout.session").Where(c.Params, "customer", "payment_intent", "status"), c.Params, "/v1/checkout/sessions")));
    }

    private static JsonNode Create(ApiCall c)
    {
        var mode = c.Params.Required("mode");
        if (mode != "payment")
            throw StripeApiException.InvalidParam("mode", $"The Stripe emulator only emulates Checkout in payment mode, not `{mode}`.");
        var customer = c.Params.String("customer");
        if (customer is not null) c.Store.Get("customer", customer, "customer", "customer");
        var lineParams = c.Params.Objects("line_items");
        if (lineParams.Count == 0) throw StripeApiException.MissingParam("line_items");
        long total = 0;
        string? currency = null;
        for (var i = 0; i < lineParams.Count; i++)
        {
            var (unit, cur) = UnitPrice(c, lineParams[i], $"line_items[{i}]");
            var quantity = lineParams[i].Long("quantity") ?? throw StripeApiException.MissingParam($"line_items[{i}][quantity]");
            if (currency is not null && currency != cur) throw StripeApiException.InvalidParam($"line_items[{i}]", "All line items must use the same currency.");
            currency = cur;
            total += unit * quantity;
        }
        var id = "cs_test_" + Ids.Random(58);
        var now = customer is null ? c.Clocks.WallNow : c.Clocks.NowForCustomer(customer);
        var session = New(c, id, customer, currency!, total, now);
        c.Store.Add(session);
        return session;
    }

    /// <summary>
    /// Stripe: "The value must be between 30 minutes and 24 hours after the current time. If you don't specify
    /// expires_at, the default value is 24 hours after the current time." The current time is the request's (real
    /// time, not a customer's test clock), and the session expires at that real time (<c>RealTimeBilling</c>).
    /// https://docs.stripe.com/payments/checkout/managing-limited-inventory
    /// </summary>
    private static long ExpiresAt(ApiCall c)
    {
        var now = c.Clocks.WallNow;
        if (c.Params.Timestamp("expires_at") is not { } at) return now + MaxLifetime;
        if (at < now + MinLifetime)
            throw StripeApiException.InvalidParam("expires_at", "The `expires_at` timestamp must be at least 30 minutes from Checkout Session creation.");
        if (at > now + MaxLifetime)
            throw StripeApiException.InvalidParam("expires_at", "The `expires_at` timestamp must be less than 24 hours from Checkout Session creation.");
        return at;
    }

    private const long MinLifetime = 30 * 60, MaxLifetime = 24 * 3600;

    private static (long Unit, string Currency) UnitPrice(ApiCall c, StripeParams line, string param)
    {
        if (line.String("price") is { } priceId)
        {
            var price = c.Store.Get("price", priceId, "price", $"{param}[price]");
            if (price["recurring"] is not null)
                throw StripeApiException.InvalidParam($"{param}[price]", "You must use a one-time price in payment mode.");
            return ((long)(price["unit_amount"] ?? throw StripeApiException.InvalidParam($"{param}[price]", "Decimal prices are not supported in Checkout.")),
                (string)price["currency"]!);
        }
        var data = line.Object("price_data") ?? throw StripeApiException.MissingParam($"{param}[price]");
        return (data.Long("unit_amount") ?? throw StripeApiException.MissingParam($"{param}[price_data][unit_amount]"),
            data.Required("currency").ToLowerInvariant());
    }

    private static JsonObject New(ApiCall c, string id, string? customer, string currency, long total, long now) => new()
    {
        ["id"] = id,
        ["object"] = "checkout.session",
        ["adaptive_pricing"] = null,
        ["after_expiration"] = null,
        ["allow_promotion_codes"] = null,
        ["amount_subtotal"] = total,
        ["amount_total"] = total,
        ["automatic_tax"] = new JsonObject { ["enabled"] = false, ["liability"] = null, ["provider"] = null, ["status"] = null },
        ["billing_address_collection"] = null,
        ["cancel_url"] = c.Params.String("cancel_url"),
        ["client_reference_id"] = c.Params.String("client_reference_id"),
        ["client_secret"] = null,
        ["collected_information"] = null,
        ["consent"] = null,
        ["consent_collection"] = null,
        ["created"] = now,
        ["currency"] = currency,
        ["currency_conversion"] = null,
        ["custom_fields"] = new JsonArray(),
        ["custom_text"] = new JsonObject { ["after_submit"] = null, ["shipping_address"] = null, ["submit"] = null, ["terms_of_service_acceptance"] = null },
        ["customer"] = customer,
        ["customer_account"] = null,
        ["customer_creation"] = customer is null ? "if_required" : null,
        ["customer_details"] = null,
        ["customer_email"] = c.Params.String("customer_email"),
        ["discounts"] = new JsonArray(),
        ["expires_at"] = ExpiresAt(c),
        ["integration_identifier"] = null,
        ["invoice"] = null,
        ["invoice_creation"] = new JsonObject { ["enabled"] = false, ["invoice_data"] = null },
        ["livemode"] = false,
        ["locale"] = null,
        ["managed_payments"] = null,
        ["metadata"] = Api.Metadata(null, c.Params),
        ["mode"] = "payment",
        ["origin_context"] = null,
        ["payment_intent"] = null,
        ["payment_link"] = null,
        ["payment_method_collection"] = "if_required",
        ["payment_method_configuration_details"] = null,
        ["payment_method_options"] = new JsonObject(),
        ["payment_method_types"] = new JsonArray("card"),
        ["payment_status"] = "unpaid",
        ["permissions"] = null,
        ["phone_number_collection"] = new JsonObject { ["enabled"] = false },
        ["recovered_from"] = null,
        ["saved_payment_method_options"] = null,
        ["setup_intent"] = null,
        ["shipping_address_collection"] = null,
        ["shipping_cost"] = null,
        ["shipping_options"] = new JsonArray(),
        ["status"] = "open",
        ["submit_type"] = null,
        ["subscription"] = null,
        ["success_url"] = c.Params.String("success_url"),
        ["total_details"] = new JsonObject { ["amount_discount"] = 0L, ["amount_shipping"] = 0L, ["amount_tax"] = 0L },
        ["ui_mode"] = "hosted",
        ["url"] = $"{c.Service<PublicAddress>().Value}/checkout/{id}",
        ["wallet_options"] = null,
    };
}
