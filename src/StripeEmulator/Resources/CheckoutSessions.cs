using System.Text.Json.Nodes;
using Credits.StripeEmulator.Billing;
using Credits.StripeEmulator.Hosting;
using Credits.StripeEmulator.Http;
using Credits.StripeEmulator.State;

namespace Credits.StripeEmulator.Resources;

/// <summary>
/// <c>checkout.session</c> in payment mode (a one-time purchase, optionally saving the card) and setup mode (saving a
/// card through a SetupIntent). Its <c>url</c> is the emulator's hosted test page (/checkout/{id}); the page and the
/// control API complete, decline or expire it (<see cref="CheckoutFlow"/>).
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
        if (mode is not ("payment" or "setup"))
            throw StripeApiException.InvalidParam("mode", $"The Stripe emulator emulates Checkout in payment and setup mode, not `{mode}`.");
        var customer = c.Params.String("customer");
        if (customer is not null) c.Store.Get("customer", customer, "customer", "customer");
        var id = "cs_test_" + Ids.Random(58);
        var now = customer is null ? c.Clocks.WallNow : c.Clocks.NowForCustomer(customer);
        var session = mode == "setup" ? NewSetup(c, id, customer, now) : NewPayment(c, id, customer, now);
        c.Store.Add(session);
        return session;
    }

    private static JsonObject NewPayment(ApiCall c, string id, string? customer, long now)
    {
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
        // payment_intent_data goes to the PaymentIntent made when the buyer pays, not to the session: its metadata,
        // and setup_future_usage, which saves the card to the customer after the payment
        // (https://support.stripe.com/questions/prefilling-saved-cards-in-checkout).
        var futureUsage = c.Params.String("payment_intent_data.setup_future_usage") is { Length: > 0 } usage ? usage : null;
        if (futureUsage is not (null or "off_session" or "on_session"))
            throw StripeApiException.Malformed("payment_intent_data[setup_future_usage]", "Invalid setup_future_usage: must be one of on_session or off_session");
        c.Store.CheckoutIntentData[id] = new JsonObject
        {
            ["metadata"] = Api.Metadata(null, c.Params, "payment_intent_data.metadata"),
            ["setup_future_usage"] = futureUsage,
            ["description"] = c.Params.String("payment_intent_data.description"),
        };
        var session = New(c, id, customer, "payment", currency, total, now);
        session["customer_creation"] = customer is null ? c.Params.String("customer_creation") ?? "if_required" : null;
        return session;
    }

    /// <summary>
    /// Setup mode (https://docs.stripe.com/payments/save-and-reuse?platform=web&amp;ui=stripe-hosted): no line items
    /// ("You can not pass `line_items` in `setup` mode."), a <c>currency</c> for the Dashboard's payment methods or
    /// an explicit list of payment method types, and a SetupIntent made with the session (the 2022-08-01 change that
    /// defers the intent to confirmation is for payment mode only,
    /// https://docs.stripe.com/changelog/2022-08-01/deferred-paymentintent-checkout-session) that carries
    /// <c>setup_intent_data[metadata]</c>. The hosted page confirms it; the card is attached to <c>customer</c>.
    /// </summary>
    private static JsonObject NewSetup(ApiCall c, string id, string? customer, long now)
    {
        if (c.Params.Has("line_items")) throw StripeApiException.InvalidParam("line_items", "You can not pass `line_items` in `setup` mode.");
        var currency = c.Params.String("currency")?.ToLowerInvariant();
        // Stripe.net 53 names the list allowed_payment_method_types; older API versions payment_method_types.
        var types = c.Params.Strings("payment_method_types") is { Count: > 0 } named ? named : c.Params.Strings("allowed_payment_method_types");
        if (currency is null && types.Count == 0)
            throw StripeApiException.InvalidParam("currency",
                "Checkout uses the payment methods enabled in your Dashboard, which requires `currency` in `setup` mode; pass `currency` or `payment_method_types`.");
        var intent = CardSetups.NewIntent(c.World, customer, "off_session", Api.Metadata(null, c.Params, "setup_intent_data.metadata"),
            c.Params.String("setup_intent_data.description"), new JsonArray("card"), null);
        var session = New(c, id, customer, "setup", currency, null, now);
        session["setup_intent"] = intent["id"]!.DeepClone();
        session["payment_status"] = "no_payment_required";
        session["customer_creation"] = null;
        session["payment_method_collection"] = "always";
        session["total_details"] = null;
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

    private static JsonObject New(ApiCall c, string id, string? customer, string mode, string? currency, long? total, long now) => new()
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
        ["consent_collection"] = ConsentCollection(c),
        ["created"] = now,
        ["currency"] = currency,
        ["currency_conversion"] = null,
        ["custom_fields"] = new JsonArray(),
        ["custom_text"] = new JsonObject { ["after_submit"] = null, ["shipping_address"] = null, ["submit"] = null, ["terms_of_service_acceptance"] = null },
        ["customer"] = customer,
        ["customer_account"] = null,
        ["customer_creation"] = null,
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
        ["mode"] = mode,
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
        ["saved_payment_method_options"] = SavedPaymentMethodOptions(c, customer),
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

    /// <summary>
    /// <c>saved_payment_method_options[payment_method_save]=enabled</c> shows a checkbox; a card saved with it ticked is
    /// attached with <c>allow_redisplay: always</c> (https://support.stripe.com/questions/prefilling-saved-cards-in-checkout).
    /// Stripe shows the object only for sessions with a customer.
    /// </summary>
    private static JsonObject? SavedPaymentMethodOptions(ApiCall c, string? customer)
    {
        var save = c.Params.String("saved_payment_method_options.payment_method_save");
        if (save is not (null or "enabled" or "disabled"))
            throw StripeApiException.Malformed("saved_payment_method_options[payment_method_save]", "Invalid payment_method_save: must be one of enabled or disabled");
        if (customer is null) return null;
        var filters = c.Params.Strings("saved_payment_method_options.allow_redisplay_filters");
        return new JsonObject
        {
            ["allow_redisplay_filters"] = new JsonArray(filters.Count == 0 ? ["always"] : filters.Select(f => (JsonNode)f).ToArray()),
            ["payment_method_remove"] = c.Params.String("saved_payment_method_options.payment_method_remove"),
            ["payment_method_save"] = save,
        };
    }

    /// <summary><c>consent_collection</c> as given (the page shows the card reuse agreement unless its position is hidden).</summary>
    private static JsonObject? ConsentCollection(ApiCall c)
    {
        if (c.Params.Object("consent_collection") is null) return null;
        var reuse = c.Params.String("consent_collection.payment_method_reuse_agreement.position");
        return new JsonObject
        {
            ["payment_method_reuse_agreement"] = reuse is null ? null : new JsonObject { ["position"] = reuse },
            ["promotions"] = c.Params.String("consent_collection.promotions"),
            ["terms_of_service"] = c.Params.String("consent_collection.terms_of_service"),
        };
    }
}
