using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Credits.Billing.Tests.Support;
using Stripe;

namespace Credits.Billing.Tests.Webhooks;

/// <summary>Hand-made Stripe events, signed like Stripe signs them, for cases Stripe produces rarely (reordering, replays).</summary>
public static class StripeEvents
{
    /// <param name="customerId">The app's customer id in the subscription's metadata; null for a subscription without it.</param>
    public static string SubscriptionUpdated(string eventId, string subscriptionId, DateTimeOffset created, string status,
        string type = "customer.subscription.updated", string stripeCustomerId = "cus_test", string? customerId = "c_test") =>
        Event(eventId, type, created, new JsonObject
        {
            ["id"] = subscriptionId,
            ["object"] = "subscription",
            ["customer"] = stripeCustomerId,
            ["status"] = status,
            ["cancel_at_period_end"] = false,
            ["metadata"] = customerId is null ? new JsonObject() : new JsonObject { ["customer_id"] = customerId },
            ["items"] = new JsonObject
            {
                ["object"] = "list",
                ["data"] = new JsonArray(new JsonObject
                {
                    ["id"] = "si_" + subscriptionId,
                    ["object"] = "subscription_item",
                    ["current_period_start"] = created.ToUnixTimeSeconds(),
                    ["current_period_end"] = created.AddMonths(1).ToUnixTimeSeconds(),
                    ["price"] = new JsonObject
                    {
                        ["id"] = "price_flat", ["object"] = "price", ["lookup_key"] = "credits:pro:flat",
                        ["recurring"] = new JsonObject { ["interval"] = "month", ["usage_type"] = "licensed" },
                    },
                }),
            },
        });

    public static string Event(string eventId, string type, DateTimeOffset created, JsonObject data, string? apiVersion = null) =>
        new JsonObject
        {
            ["id"] = eventId,
            ["object"] = "event",
            ["api_version"] = apiVersion ?? StripeConfiguration.ApiVersion,
            ["created"] = created.ToUnixTimeSeconds(),
            ["livemode"] = false,
            ["pending_webhooks"] = 1,
            ["request"] = new JsonObject { ["id"] = null, ["idempotency_key"] = null },
            ["type"] = type,
            ["data"] = new JsonObject { ["object"] = data },
        }.ToJsonString();

    public static Task<HttpResponseMessage> PostAsync(HttpClient http, string json, string? secret = TestConfiguration.WebhookSecret,
        DateTimeOffset? signedAt = null)
    {
        var content = new StringContent(json, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/stripe") { Content = content };
        if (secret is not null)
            request.Headers.TryAddWithoutValidation("Stripe-Signature",
                EventUtility.GenerateSignatureHeader(json, secret, (signedAt ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds()));
        return http.SendAsync(request);
    }

    public static string NewId() => "evt_" + Guid.NewGuid().ToString("N")[..24];
}
