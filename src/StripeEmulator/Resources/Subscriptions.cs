using System.Text.Json.Nodes;
using Credits.StripeEmulator.Billing;
using Credits.StripeEmulator.Http;

namespace Credits.StripeEmulator.Resources;

/// <summary><c>subscription</c> endpoints; the billing rules live in Billing/Subscription*.cs.</summary>
public static class Subscriptions
{
    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapPost("/v1/subscriptions", Api.Handle(c => SubscriptionCreation.Create(c.World, c.Params)));
        api.MapGet("/v1/subscriptions/search", Api.Handle(c =>
            Lists.SearchResult(c.Store.All("subscription").Where(SearchQuery.Parse(c.Params.Required("query"))), "/v1/subscriptions/search")));
        api.MapGet("/v1/subscriptions/{id}", Api.Handle(c => Get(c)));
        api.MapPost("/v1/subscriptions/{id}", Api.Handle(c => SubscriptionUpdate.Update(c.World, Get(c), c.Params)));
        api.MapDelete("/v1/subscriptions/{id}", Api.Handle(c =>
            SubscriptionRenewal.CancelNow(c.World, Get(c), c.Params.Bool("invoice_now") == true, c.Params.Bool("prorate") == true)));
        api.MapGet("/v1/subscriptions", Api.Handle(List));
    }

    private static JsonObject Get(ApiCall c) => c.Store.Get("subscription", c.Route("id"), "subscription");

    private static JsonNode List(ApiCall c)
    {
        IEnumerable<JsonObject> items = c.Store.All("subscription").Where(c.Params, "customer", "test_clock");
        var status = c.Params.String("status");
        items = status switch
        {
            "all" => items,
            null => items.Where(s => (string?)s["status"] is not ("canceled" or "incomplete_expired")),
            _ => items.Where(s => (string?)s["status"] == status),
        };
        if (c.Params.String("price") is { } price)
            items = items.Where(s => SubscriptionCreation.Items(s).Any(i => (string?)i!["price"]!["id"] == price));
        return Lists.Page(items, c.Params, "/v1/subscriptions");
    }
}
