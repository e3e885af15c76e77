using System.Text.Json.Nodes;
using Credits.StripeEmulator.Http;
using Credits.StripeEmulator.State;
using Credits.StripeEmulator.Webhooks;

namespace Credits.StripeEmulator.Resources;

/// <summary>
/// <c>webhook_endpoint</c>: the <c>whsec_</c> secret is returned only by create, as with Stripe; events
/// reach it rendered in its <c>api_version</c> (the account's default when it has none).
/// </summary>
public static class WebhookEndpoints
{
    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapPost("/v1/webhook_endpoints", Api.Handle(Create));
        api.MapGet("/v1/webhook_endpoints/{id}", Api.Handle(c => Public(Get(c))));
        api.MapPost("/v1/webhook_endpoints/{id}", Api.Handle(Update));
        api.MapDelete("/v1/webhook_endpoints/{id}", Api.Handle(c =>
        {
            var endpoint = Get(c);
            c.Store.Remove((string)endpoint["id"]!);
            return Api.Deleted((string)endpoint["id"]!, "webhook_endpoint");
        }));
        api.MapGet("/v1/webhook_endpoints", Api.Handle(c =>
            Lists.Page(c.Store.All("webhook_endpoint").Select(Public), c.Params, "/v1/webhook_endpoints")));
    }

    private static JsonObject Get(ApiCall c) => c.Store.Get("webhook_endpoint", c.Route("id"), "webhook endpoint");

    private static JsonObject Public(JsonObject endpoint)
    {
        var copy = (JsonObject)endpoint.DeepClone();
        copy.Remove("secret");
        return copy;
    }

    private static JsonNode Create(ApiCall c)
    {
        var url = c.Params.Required("url");
        if (!Uri.TryCreate(url, UriKind.Absolute, out _)) throw StripeApiException.InvalidParam("url", "Invalid URL.");
        var events = c.Params.Strings("enabled_events");
        if (events.Count == 0) throw StripeApiException.MissingParam("enabled_events");
        var apiVersion = c.Params.String("api_version");
        if (apiVersion is not null && !ApiVersions.IsWellFormed(apiVersion))
            throw StripeApiException.Malformed("api_version", $"Invalid API version: {apiVersion}.");
        var endpoint = new JsonObject
        {
            ["id"] = Ids.New("we"),
            ["object"] = "webhook_endpoint",
            // Null means the account's default version, as at Stripe; events are rendered in this one.
            ["api_version"] = apiVersion,
            ["application"] = null,
            ["created"] = c.Clocks.WallNow,
            ["description"] = c.Params.String("description"),
            ["enabled_events"] = new JsonArray(events.Select(e => (JsonNode)e).ToArray()),
            ["livemode"] = false,
            ["metadata"] = Api.Metadata(null, c.Params),
            ["secret"] = "whsec_" + Ids.Random(32),
            ["status"] = "enabled",
            ["url"] = url,
        };
        c.Store.Add(endpoint);
        return endpoint;
    }

    private static JsonNode Update(ApiCall c)
    {
        var endpoint = Get(c);
        if (c.Params.String("url") is { Length: > 0 } url) endpoint["url"] = url;
        if (c.Params.Has("enabled_events"))
            endpoint["enabled_events"] = new JsonArray(c.Params.Strings("enabled_events").Select(e => (JsonNode)e).ToArray());
        if (c.Params.Bool("disabled") is { } disabled) endpoint["status"] = disabled ? "disabled" : "enabled";
        if (c.Params.Has("description")) endpoint["description"] = c.Params.String("description");
        if (c.Params.Has("metadata")) endpoint["metadata"] = Api.Metadata(endpoint["metadata"] as JsonObject, c.Params);
        return Public(endpoint);
    }
}
