using System.Text.Json.Nodes;
using Credits.StripeEmulator.Http;
using Credits.StripeEmulator.State;

namespace Credits.StripeEmulator.Resources;

/// <summary>
/// <c>dispute</c> of a succeeded charge. Stripe opens disputes itself (a card issuer's chargeback; in test mode the
/// card 4000 0000 0000 0259); here the control API opens one on any charge (<c>POST /_emulator/charges/{id}/dispute</c>)
/// and decides it (<c>POST /_emulator/disputes/{id}/close?outcome=won|lost</c>). The API part is Stripe's: retrieve, list,
/// update (evidence <c>winning_evidence</c> / <c>losing_evidence</c> decide it, as in Stripe's test mode) and close
/// (accepting the dispute: lost). Events: <c>charge.dispute.created</c>, <c>charge.dispute.funds_withdrawn</c>,
/// <c>charge.dispute.updated</c>, <c>charge.dispute.closed</c>, <c>charge.dispute.funds_reinstated</c> (won).
/// Shapes: https://docs.stripe.com/api/disputes/object ; closing: https://docs.stripe.com/api/disputes/close ;
/// testing: https://docs.stripe.com/testing#disputes
/// </summary>
public static class Disputes
{
    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapGet("/v1/disputes/{id}", Api.Handle(c => c.Store.Get("dispute", c.Route("id"), "dispute")));
        api.MapGet("/v1/disputes", Api.Handle(c =>
            Lists.Page(c.Store.All("dispute").Where(c.Params, "charge", "payment_intent"), c.Params, "/v1/disputes")));
        api.MapPost("/v1/disputes/{id}", Api.Handle(Update));
        api.MapPost("/v1/disputes/{id}/close", Api.Handle(c => Close(c.World, Open(c.Store.Get("dispute", c.Route("id"), "dispute")), "lost")));
    }

    /// <summary>Opens a dispute on a succeeded charge (the whole amount unless <paramref name="amount"/> says less).</summary>
    public static JsonObject Create(World w, JsonObject charge, long? amount, string reason)
    {
        if ((string?)charge["status"] != "succeeded")
            throw StripeApiException.Invalid($"Charge {charge["id"]} did not succeed and cannot be disputed.", "charge", "charge_not_disputable");
        if ((bool?)charge["disputed"] == true)
            throw StripeApiException.Invalid($"Charge {charge["id"]} is already disputed.", "charge", "charge_already_disputed");
        var disputed = amount ?? (long)charge["amount"]!;
        if (disputed <= 0 || disputed > (long)charge["amount"]!)
            throw StripeApiException.InvalidParam("amount", $"The disputed amount must be between 1 and the charge's amount ({charge["amount"]}).");
        var created = (string?)charge["customer"] is { } customer ? w.Clocks.NowForCustomer(customer) : w.Clocks.WallNow;
        var card = charge["payment_method_details"]?["card"];
        var dispute = new JsonObject
        {
            ["id"] = Ids.New("dp"),
            ["object"] = "dispute",
            ["amount"] = disputed,
            ["balance_transactions"] = new JsonArray(),
            ["charge"] = charge["id"]!.DeepClone(),
            ["created"] = created,
            ["currency"] = charge["currency"]!.DeepClone(),
            ["enhanced_eligibility_types"] = new JsonArray(),
            ["evidence"] = Evidence(),
            ["evidence_details"] = new JsonObject
            {
                ["due_by"] = created + 7 * 24 * 3600, ["has_evidence"] = false, ["past_due"] = false, ["submission_count"] = 0,
                ["enhanced_eligibility"] = new JsonObject(),
            },
            ["is_charge_refundable"] = false,
            ["livemode"] = false,
            ["metadata"] = new JsonObject(),
            ["payment_intent"] = charge["payment_intent"]?.DeepClone(),
            ["payment_method_details"] = new JsonObject
            {
                ["card"] = new JsonObject
                {
                    ["brand"] = card?["brand"]?.DeepClone() ?? "visa", ["case_type"] = "chargeback",
                    ["network_reason_code"] = "10.4", ["network"] = card?["network"]?.DeepClone() ?? "visa",
                },
                ["type"] = "card",
            },
            ["reason"] = reason,
            ["status"] = "needs_response",
        };
        w.Store.Add(dispute);
        var before = (JsonObject)charge.DeepClone();
        charge["disputed"] = true;
        w.Emit("charge.dispute.created", dispute);
        w.Emit("charge.dispute.funds_withdrawn", dispute);
        w.Emit("charge.updated", charge, Api.PreviousAttributes(before, charge));
        return dispute;
    }

    /// <summary>Decides a dispute: <c>won</c> (the funds come back) or <c>lost</c>.</summary>
    public static JsonObject Close(World w, JsonObject dispute, string outcome)
    {
        if (outcome is not ("won" or "lost"))
            throw StripeApiException.InvalidParam("outcome", "A dispute closes as `won` or `lost`.");
        var before = (JsonObject)dispute.DeepClone();
        dispute["status"] = outcome;
        w.Emit("charge.dispute.closed", dispute, Api.PreviousAttributes(before, dispute));
        if (outcome == "won") w.Emit("charge.dispute.funds_reinstated", dispute);
        return dispute;
    }

    public static JsonObject Open(JsonObject dispute)
    {
        if ((string?)dispute["status"] is "won" or "lost" or "warning_closed")
            throw StripeApiException.Invalid($"This dispute is already closed ({dispute["status"]}).", null, "dispute_already_closed");
        return dispute;
    }

    /// <summary>Evidence and metadata; in test mode the text <c>winning_evidence</c> or <c>losing_evidence</c> decides the dispute.</summary>
    private static JsonNode Update(ApiCall c)
    {
        var dispute = c.Store.Get("dispute", c.Route("id"), "dispute");
        var before = (JsonObject)dispute.DeepClone();
        dispute["metadata"] = Api.Metadata((JsonObject?)dispute["metadata"], c.Params);
        var evidence = c.Params.Object("evidence");
        if (evidence is not null)
        {
            Open(dispute);
            foreach (var field in ((JsonObject)dispute["evidence"]!).Select(kv => kv.Key).ToList())
                if (field != "enhanced_evidence" && evidence.String(field) is { } value) dispute["evidence"]![field] = value;
            dispute["evidence_details"]!["has_evidence"] = true;
        }
        c.Emit("charge.dispute.updated", dispute, Api.PreviousAttributes(before, dispute));
        var text = (string?)dispute["evidence"]!["uncategorized_text"];
        if (evidence is not null && c.Params.Bool("submit") != false && text is "winning_evidence" or "losing_evidence")
        {
            dispute["evidence_details"]!["submission_count"] = (int)dispute["evidence_details"]!["submission_count"]! + 1;
            return Close(c.World, dispute, text == "winning_evidence" ? "won" : "lost");
        }
        return dispute;
    }

    private static JsonObject Evidence()
    {
        var evidence = new JsonObject();
        foreach (var field in new[]
        {
            "access_activity_log", "billing_address", "cancellation_policy", "cancellation_policy_disclosure", "cancellation_rebuttal",
            "customer_communication", "customer_email_address", "customer_name", "customer_purchase_ip", "customer_signature",
            "duplicate_charge_documentation", "duplicate_charge_explanation", "duplicate_charge_id", "product_description", "receipt",
            "refund_policy", "refund_policy_disclosure", "refund_refusal_explanation", "service_date", "service_documentation",
            "shipping_address", "shipping_carrier", "shipping_date", "shipping_documentation", "shipping_tracking_number",
            "uncategorized_file", "uncategorized_text",
        }) evidence[field] = null;
        evidence["enhanced_evidence"] = new JsonObject();
        return evidence;
    }
}
