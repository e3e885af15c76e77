using System.Text.Json.Nodes;
using Credits.StripeEmulator.Http;
using Credits.StripeEmulator.State;

namespace Credits.StripeEmulator.Resources;

/// <summary><c>customer</c>, with <c>invoice_settings.default_payment_method</c> and an optional test clock.</summary>
public static class Customers
{
    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapPost("/v1/customers", Api.Handle(Create));
        api.MapGet("/v1/customers/search", Api.Handle(c =>
            Lists.SearchResult(c.Store.All("customer").Where(SearchQuery.Parse(c.Params.Required("query"))), "/v1/customers/search")));
        api.MapGet("/v1/customers/{id}", Api.Handle(c => c.Store.Get("customer", c.Route("id"), "customer")));
        api.MapPost("/v1/customers/{id}", Api.Handle(Update));
        api.MapDelete("/v1/customers/{id}", Api.Handle(Delete));
        api.MapGet("/v1/customers", Api.Handle(c =>
            Lists.Page(c.Store.All("customer").Where(c.Params, "email", "test_clock"), c.Params, "/v1/customers")));
    }

    private static JsonNode Create(ApiCall c)
    {
        var clock = c.Params.String("test_clock");
        if (clock is not null) c.Store.Get("test_helpers.test_clock", clock, "test clock", "test_clock");
        // A card Stripe cannot attach fails the whole request: no customer is created.
        PaymentMethods.RefuseAtAttach(c, c.Params.String("payment_method"));
        PaymentMethods.RefuseAtAttach(c, c.Params.String("invoice_settings.default_payment_method"));
        var id = Ids.New("cus");
        var customer = new JsonObject
        {
            ["id"] = id,
            ["object"] = "customer",
            ["address"] = null,
            ["balance"] = c.Params.Long("balance") ?? 0,
            ["created"] = c.Clocks.NowForClock(clock),
            ["currency"] = null,
            ["default_source"] = null,
            ["delinquent"] = false,
            ["description"] = c.Params.String("description"),
            ["discount"] = null,
            ["email"] = c.Params.String("email"),
            ["invoice_prefix"] = Ids.Random(8).ToUpperInvariant(),
            ["invoice_settings"] = new JsonObject
            {
                ["custom_fields"] = null, ["default_payment_method"] = null, ["footer"] = null, ["rendering_options"] = null,
            },
            ["livemode"] = false,
            ["metadata"] = Api.Metadata(null, c.Params),
            ["name"] = c.Params.String("name"),
            ["next_invoice_sequence"] = 1L,
            ["phone"] = c.Params.String("phone"),
            ["preferred_locales"] = new JsonArray(),
            ["shipping"] = null,
            ["tax_exempt"] = "none",
            ["test_clock"] = clock,
        };
        c.Store.Add(customer);
        if (c.Params.String("payment_method") is { Length: > 0 } pm) PaymentMethods.Resolve(c, pm, id, "payment_method");
        SetDefaultPaymentMethod(c, customer);
        c.Emit("customer.created", customer);
        return customer;
    }

    private static void SetDefaultPaymentMethod(ApiCall c, JsonObject customer)
    {
        if (c.Params.String("invoice_settings.default_payment_method") is not { } wanted) return;
        var id = (string)customer["id"]!;
        string? pmId = null;
        if (wanted.Length > 0)
        {
            var pm = PaymentMethods.Resolve(c, wanted, id, "invoice_settings[default_payment_method]");
            if ((string?)pm["customer"] != id)
                throw StripeApiException.Invalid($"The customer does not have a payment method with the ID {wanted}. The payment method must be attached to the customer.",
                    "invoice_settings[default_payment_method]", "resource_missing");
            pmId = (string)pm["id"]!;
        }
        customer["invoice_settings"]!["default_payment_method"] = pmId;
    }

    private static JsonNode Update(ApiCall c)
    {
        var customer = c.Store.Get("customer", c.Route("id"), "customer");
        PaymentMethods.RefuseAtAttach(c, c.Params.String("payment_method"));
        PaymentMethods.RefuseAtAttach(c, c.Params.String("invoice_settings.default_payment_method"));
        var before = (JsonObject)customer.DeepClone();
        foreach (var field in new[] { "email", "name", "description", "phone" })
            if (c.Params.Has(field)) customer[field] = c.Params.String(field) is { Length: > 0 } v ? v : null;
        if (c.Params.Has("metadata")) customer["metadata"] = Api.Metadata(customer["metadata"] as JsonObject, c.Params);
        if (c.Params.Has("balance")) customer["balance"] = c.Params.Long("balance");
        if (c.Params.String("payment_method") is { Length: > 0 } pm) PaymentMethods.Resolve(c, pm, c.Route("id"), "payment_method", attaching: true);
        SetDefaultPaymentMethod(c, customer);
        var previous = Api.PreviousAttributes(before, customer);
        if (previous.Count > 0) c.Emit("customer.updated", customer, previous);
        return customer;
    }

    private static JsonNode Delete(ApiCall c)
    {
        var customer = c.Store.Get("customer", c.Route("id"), "customer");
        c.Store.Remove((string)customer["id"]!);
        c.Emit("customer.deleted", customer);
        return Api.Deleted((string)customer["id"]!, "customer");
    }
}
