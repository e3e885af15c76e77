using System.Text.Json.Nodes;
using Credits.StripeEmulator.Billing;
using Credits.StripeEmulator.Http;

namespace Credits.StripeEmulator.Resources;

/// <summary>Read access to <c>subscription_item</c>s, which live inside their subscription.</summary>
public static class SubscriptionItems
{
    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapGet("/v1/subscription_items", Api.Handle(c =>
        {
            var subscription = c.Store.Get("subscription", c.Params.Required("subscription"), "subscription", "subscription");
            return Lists.Page(SubscriptionCreation.Items(subscription).Select(i => (JsonObject)i!), c.Params,
                $"/v1/subscription_items?subscription={subscription["id"]}");
        }));
        api.MapGet("/v1/subscription_items/{id}", Api.Handle(c =>
        {
            var id = c.Route("id");
            return c.Store.All("subscription").SelectMany(s => SubscriptionCreation.Items(s)).OfType<JsonObject>()
                .FirstOrDefault(i => (string?)i["id"] == id) ?? throw StripeApiException.NoSuchResource("subscription item", id);
        }));
    }
}
