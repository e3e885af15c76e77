using System.Text.Json.Nodes;
using Credits.StripeEmulator.Billing;
using Credits.StripeEmulator.Http;

namespace Credits.StripeEmulator.Resources;

/// <summary><c>invoice</c>: read, list, pay (retry), and <c>create_preview</c> of a subscription change.</summary>
public static class Invoices
{
    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapPost("/v1/invoices/create_preview", Api.Handle(Preview));
        api.MapGet("/v1/invoices/{id}", Api.Handle(c => c.Store.Get("invoice", c.Route("id"), "invoice")));
        api.MapGet("/v1/invoices/{id}/lines", Api.Handle(c =>
        {
            var invoice = c.Store.Get("invoice", c.Route("id"), "invoice");
            return Lists.Page(invoice["lines"]!["data"]!.AsArray().OfType<JsonObject>(), c.Params, $"/v1/invoices/{invoice["id"]}/lines");
        }));
        api.MapPost("/v1/invoices/{id}/pay", Api.Handle(Pay));
        api.MapPost("/v1/invoices/{id}/void", Api.Handle(Void));
        api.MapGet("/v1/invoices", Api.Handle(c =>
            Lists.Page(c.Store.All("invoice").Where(c.Params, "customer", "subscription", "status"), c.Params, "/v1/invoices")));
    }

    private static JsonNode Pay(ApiCall c)
    {
        var invoice = c.Store.Get("invoice", c.Route("id"), "invoice");
        if ((string)invoice["status"]! is not ("open" or "uncollectible"))
            throw StripeApiException.Invalid("Invoice is already paid or not open.", null, "invoice_not_open");
        if (c.Params.String("payment_method") is { Length: > 0 } pm)
        {
            var resolved = PaymentMethods.Resolve(c, pm, (string)invoice["customer"]!, "payment_method");
            invoice["default_payment_method"] = resolved["id"]!.DeepClone();
        }
        var error = InvoiceLifecycle.Pay(c.World, invoice);
        if (error is not null) throw error;
        Dunning.Settled(c.World, invoice);
        return invoice;
    }

    /// <summary>
    /// Voids an open invoice (Stripe allows it for open and uncollectible ones): nothing more is collected. A
    /// subscription left past_due by it becomes active again when no other invoice of it is unpaid.
    /// </summary>
    private static JsonNode Void(ApiCall c)
    {
        var invoice = c.Store.Get("invoice", c.Route("id"), "invoice");
        if ((string)invoice["status"]! is not ("open" or "uncollectible"))
            throw StripeApiException.Invalid($"You can only void open or uncollectible invoices; this invoice is {invoice["status"]}.", null, "invoice_not_open");
        InvoiceLifecycle.Void(c.World, invoice);
        if ((string?)invoice["subscription"] is { } subId && c.Store.Find(subId) is { } subscription
            && (string?)subscription["status"] == "past_due"
            && !c.Store.All("invoice").Any(i => (string?)i["subscription"] == subId && (string?)i["status"] == "open"))
        {
            var before = (JsonObject)subscription.DeepClone();
            subscription["status"] = "active";
            c.Emit("customer.subscription.updated", subscription, Api.PreviousAttributes(before, subscription));
        }
        return invoice;
    }

    /// <summary>
    /// Previews what a subscription change would invoice now (always_invoice) or at the next renewal,
    /// without changing anything: the change is applied to a copy of the state that is thrown away.
    /// </summary>
    private static JsonNode Preview(ApiCall c)
    {
        var customerId = c.Params.String("customer");
        var subscriptionId = c.Params.String("subscription");
        var subscription = subscriptionId is null ? null : c.Store.Get("subscription", subscriptionId, "subscription", "subscription");
        customerId ??= (string?)subscription?["customer"] ?? throw StripeApiException.MissingParam("customer");
        var customer = c.Store.Get("customer", customerId, "customer", "customer");
        if (subscription is null) throw StripeApiException.Invalid("The emulator previews changes to an existing subscription only.", "subscription");
        var details = c.Params.Object("subscription_details") ?? StripeParams.Empty;
        var copy = (JsonObject)subscription.DeepClone();
        var now = c.Clocks.NowFor(customer);
        var current = SubscriptionCreation.Items(copy).Select(i => (JsonObject)i!).ToList();
        var preview = SubscriptionPreview.Lines(c.World, copy, current, details, now);
        var (start, end) = SubscriptionCreation.Period(copy);
        var invoice = InvoiceLifecycle.Draft(c.World, customer, copy, "subscription_update", preview, start, end, (string)copy["currency"]!, preview: true);
        // A preview shows what is due with the customer's current balance applied (https://docs.stripe.com/billing/customer/balance).
        InvoiceLifecycle.ApplyCustomerBalance(invoice, customer, preview: true);
        invoice["ending_balance"] = null;
        return invoice;
    }
}
