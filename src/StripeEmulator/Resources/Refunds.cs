using System.Text.Json.Nodes;
using Credits.StripeEmulator.Http;
using Credits.StripeEmulator.State;

namespace Credits.StripeEmulator.Resources;

/// <summary><c>refund</c> of a succeeded charge (by charge or payment intent), in full or in part; emits <c>charge.refunded</c>.</summary>
public static class Refunds
{
    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapPost("/v1/refunds", Api.Handle(Create));
        api.MapGet("/v1/refunds/{id}", Api.Handle(c => c.Store.Get("refund", c.Route("id"), "refund")));
        api.MapGet("/v1/refunds", Api.Handle(c =>
            Lists.Page(c.Store.All("refund").Where(c.Params, "charge", "payment_intent"), c.Params, "/v1/refunds")));
    }

    private static JsonNode Create(ApiCall c)
    {
        JsonObject charge;
        if (c.Params.String("charge") is { Length: > 0 } chargeId) charge = c.Store.Get("charge", chargeId, "charge", "charge");
        else
        {
            var intent = c.Store.Get("payment_intent", c.Params.Required("payment_intent"), "payment_intent", "payment_intent");
            if ((string?)intent["status"] != "succeeded" || (string?)intent["latest_charge"] is not { } latest)
                throw StripeApiException.Invalid("This PaymentIntent does not have a successful charge to refund.", "payment_intent", "charge_not_refundable");
            charge = c.Store.Get("charge", latest, "charge");
        }
        if ((string)charge["status"]! != "succeeded")
            throw StripeApiException.Invalid("This charge cannot be refunded because it did not succeed.", "charge", "charge_not_refundable");
        var remaining = (long)charge["amount"]! - (long)charge["amount_refunded"]!;
        var amount = c.Params.Long("amount") ?? remaining;
        if (remaining <= 0)
            throw StripeApiException.Invalid($"Charge {charge["id"]} has already been refunded.", "charge", "charge_already_refunded");
        if (amount <= 0 || amount > remaining)
            throw StripeApiException.InvalidParam("amount", $"Refund amount ({amount}) is greater than unrefunded amount on charge ({remaining}).");
        var refund = new JsonObject
        {
            ["id"] = Ids.New("re"),
            ["object"] = "refund",
            ["amount"] = amount,
            ["balance_transaction"] = Ids.New("txn"),
            ["charge"] = charge["id"]!.DeepClone(),
            ["created"] = c.Clocks.WallNow,
            ["currency"] = charge["currency"]!.DeepClone(),
            ["customer"] = charge["customer"]?.DeepClone(),
            ["customer_account"] = null,
            ["destination_details"] = new JsonObject { ["card"] = new JsonObject { ["type"] = "refund" }, ["type"] = "card" },
            ["metadata"] = Api.Metadata(null, c.Params),
            ["payment_intent"] = charge["payment_intent"]?.DeepClone(),
            ["payment_method"] = charge["payment_method"]?.DeepClone(),
            ["reason"] = c.Params.String("reason"),
            ["receipt_number"] = null,
            ["source_transfer_reversal"] = null,
            ["status"] = "succeeded",
            ["transfer_reversal"] = null,
        };
        c.Store.Add(refund);
        var before = (JsonObject)charge.DeepClone();
        charge["amount_refunded"] = (long)charge["amount_refunded"]! + amount;
        charge["refunded"] = (long)charge["amount_refunded"]! == (long)charge["amount"]!;
        var refunds = charge["refunds"]!["data"]!.AsArray();
        refunds.Insert(0, refund.DeepClone());
        c.Emit("refund.created", refund);
        c.Emit("charge.refunded", charge, Api.PreviousAttributes(before, charge));
        return refund;
    }
}
