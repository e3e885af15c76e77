using System.Text.Json.Nodes;
using Credits.StripeEmulator.Http;

namespace Credits.StripeEmulator.Resources;

/// <summary><c>event</c>s, newest first, filterable by <c>type</c> (a trailing <c>*</c> matches a prefix) and <c>types[]</c>.</summary>
public static class Events
{
    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapGet("/v1/events/{id}", Api.Handle(c => c.Store.Get("event", c.Route("id"), "event")));
        api.MapGet("/v1/events", Api.Handle(c =>
        {
            IEnumerable<JsonObject> events = c.Store.All("event");
            if (c.Params.String("type") is { Length: > 0 } type)
                events = type.EndsWith('*')
                    ? events.Where(e => ((string)e["type"]!).StartsWith(type[..^1], StringComparison.Ordinal))
                    : events.Where(e => (string?)e["type"] == type);
            var types = c.Params.Strings("types");
            if (types.Count > 0) events = events.Where(e => types.Contains((string)e["type"]!));
            if (c.Params.Long("created.gte") is { } gte) events = events.Where(e => (long)e["created"]! >= gte);
            return Lists.Page(events, c.Params, "/v1/events");
        }));
    }
}
