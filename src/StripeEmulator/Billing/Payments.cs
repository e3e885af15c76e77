using System.Text.Json.Nodes;
using Credits.StripeEmulator.Http;
using Credits.StripeEmulator.Resources;
using Credits.StripeEmulator.State;

namespace Credits.StripeEmulator.Billing;

/// <summary>
/// Payment intents and their charges. A confirmation succeeds, declines or needs authentication
/// according to the test card; each outcome records a charge (except authentication) and its events.
/// </summary>
public static class Payments
{
    public static JsonObject NewIntent(World w, long amount, string currency, string? customer, string? paymentMethod,
        string? description, JsonObject metadata)
    {
        var id = Ids.New("pi");
        var intent = new JsonObject
        {
            ["id"] = id,
            ["object"] = "payment_intent",
            ["amount"] = amount,
            ["amount_capturable"] = 0L,
            ["amount_details"] = new JsonObject { ["tip"] = new JsonObject() },
            ["amount_received"] = 0L,
            ["application"] = null,
            ["application_fee_amount"] = null,
            ["automatic_payment_methods"] = null,
            ["canceled_at"] = null,
            ["cancellation_reason"] = null,
            ["capture_method"] = "automatic",
            ["client_secret"] = $"{id}_secret_{Ids.Random(24)}",
            ["confirmation_method"] = "automatic",
            ["created"] = customer is null ? w.Clocks.WallNow : w.Clocks.NowForCustomer(customer),
            ["currency"] = currency,
            ["customer"] = customer,
            ["customer_account"] = null,
            ["description"] = description,
            ["excluded_payment_method_types"] = null,
            ["last_payment_error"] = null,
            ["latest_charge"] = null,
            ["livemode"] = false,
            ["managed_payments"] = null,
            ["metadata"] = metadata,
            ["next_action"] = null,
            ["on_behalf_of"] = null,
            ["payment_method"] = paymentMethod,
            ["payment_method_configuration_details"] = null,
            ["payment_method_options"] = new JsonObject(),
            ["payment_method_types"] = new JsonArray("card"),
            ["processing"] = null,
            ["receipt_email"] = null,
            ["review"] = null,
            ["setup_future_usage"] = null,
            ["shipping"] = null,
            ["source"] = null,
            ["statement_descriptor"] = null,
            ["statement_descriptor_suffix"] = null,
            ["status"] = paymentMethod is null ? "requires_payment_method" : "requires_confirmation",
            ["transfer_data"] = null,
            ["transfer_group"] = null,
        };
        w.Store.Add(intent);
        w.Emit("payment_intent.created", intent);
        return intent;
    }

    /// <summary>Confirms with the intent's payment method. Returns the decline as an error (not thrown), or null on success/action.</summary>
    public static StripeApiException? Confirm(World w, JsonObject intent, bool offSession)
    {
        var pmId = (string?)intent["payment_method"]
            ?? throw StripeApiException.Invalid("You cannot confirm this PaymentIntent because it's missing a payment method.", "payment_method", "payment_intent_unexpected_state");
        var pm = w.Store.Get("payment_method", pmId, "PaymentMethod", "payment_method");
        var outcome = PaymentMethods.OutcomeOf(pm);
        if (outcome == TestCardOutcome.RequiresAction)
        {
            if (offSession)
            {
                var error = TestCard.AuthenticationRequired();
                Fail(w, intent, pm, error);
                return error;
            }
            intent["status"] = "requires_action";
            intent["next_action"] = new JsonObject
            {
                ["type"] = "use_stripe_sdk",
                ["use_stripe_sdk"] = new JsonObject { ["type"] = "three_d_secure_redirect" },
            };
            w.Emit("payment_intent.requires_action", intent);
            return null;
        }
        if (TestCard.Decline(outcome) is { } declined)
        {
            Fail(w, intent, pm, declined);
            return declined;
        }
        var charge = NewCharge(w, intent, pm, null);
        intent["status"] = "succeeded";
        intent["amount_received"] = intent["amount"]!.DeepClone();
        intent["latest_charge"] = (string)charge["id"]!;
        intent["last_payment_error"] = null;
        intent["next_action"] = null;
        w.Emit("charge.succeeded", charge);
        w.Emit("payment_intent.succeeded", intent);
        return null;
    }

    private static void Fail(World w, JsonObject intent, JsonObject pm, StripeApiException error)
    {
        var charge = NewCharge(w, intent, pm, error);
        intent["status"] = "requires_payment_method";
        intent["latest_charge"] = (string)charge["id"]!;
        intent["last_payment_error"] = new JsonObject
        {
            ["type"] = error.Type,
            ["code"] = error.Code,
            ["decline_code"] = error.DeclineCode,
            ["message"] = error.Message,
            ["charge"] = (string)charge["id"]!,
            ["payment_method"] = pm.DeepClone(),
        };
        w.Emit("charge.failed", charge);
        w.Emit("payment_intent.payment_failed", intent);
    }

    private static JsonObject NewCharge(World w, JsonObject intent, JsonObject pm, StripeApiException? failure)
    {
        var id = Ids.New("ch");
        var card = pm["card"]!;
        var paid = failure is null;
        var charge = new JsonObject
        {
            ["id"] = id,
            ["object"] = "charge",
            ["amount"] = intent["amount"]!.DeepClone(),
            ["amount_captured"] = paid ? intent["amount"]!.DeepClone() : 0L,
            ["amount_refunded"] = 0L,
            ["application"] = null,
            ["application_fee"] = null,
            ["application_fee_amount"] = null,
            ["balance_transaction"] = paid ? Ids.New("txn") : null,
            ["billing_details"] = pm["billing_details"]!.DeepClone(),
            ["calculated_statement_descriptor"] = "CREDITS",
            ["captured"] = paid,
            ["created"] = intent["created"]!.DeepClone(),
            ["currency"] = intent["currency"]!.DeepClone(),
            ["customer"] = intent["customer"]?.DeepClone(),
            ["description"] = intent["description"]?.DeepClone(),
            ["disputed"] = false,
            ["failure_balance_transaction"] = null,
            ["failure_code"] = failure?.Code,
            ["failure_message"] = failure?.Message,
            ["fraud_details"] = new JsonObject(),
            ["livemode"] = false,
            ["metadata"] = intent["metadata"]!.DeepClone(),
            ["on_behalf_of"] = null,
            ["outcome"] = new JsonObject
            {
                ["advice_code"] = null, ["network_advice_code"] = null, ["network_decline_code"] = null,
                ["network_status"] = paid ? "approved_by_network" : "declined_by_network",
                ["reason"] = failure?.DeclineCode,
                ["risk_level"] = "normal",
                ["seller_message"] = paid ? "Payment complete." : "The bank did not return any further details with this decline.",
                ["type"] = paid ? "authorized" : "issuer_declined",
            },
            ["paid"] = paid,
            ["payment_intent"] = (string)intent["id"]!,
            ["payment_method"] = (string)pm["id"]!,
            ["payment_method_details"] = new JsonObject
            {
                ["card"] = new JsonObject
                {
                    ["brand"] = card["brand"]!.DeepClone(), ["last4"] = card["last4"]!.DeepClone(),
                    ["exp_month"] = card["exp_month"]!.DeepClone(), ["exp_year"] = card["exp_year"]!.DeepClone(),
                    ["funding"] = "credit", ["country"] = "US", ["network"] = card["brand"]!.DeepClone(),
                },
                ["type"] = "card",
            },
            ["receipt_email"] = null,
            ["receipt_number"] = null,
            // Stripe's receipt page for a paid charge (https://docs.stripe.com/api/charges/object#charge_object-receipt_url).
            ["receipt_url"] = paid ? w.PageUrl($"/receipts/{id}") : null,
            ["refunded"] = false,
            ["refunds"] = Lists.Envelope([], false, $"/v1/charges/{id}/refunds"),
            ["review"] = null,
            ["shipping"] = null,
            ["source"] = null,
            ["source_transfer"] = null,
            ["statement_descriptor"] = null,
            ["statement_descriptor_suffix"] = null,
            ["status"] = paid ? "succeeded" : "failed",
            ["transfer_data"] = null,
            ["transfer_group"] = null,
        };
        w.Store.Add(charge);
        return charge;
    }
}
