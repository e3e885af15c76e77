using System.Text.Json.Nodes;

namespace Credits.StripeEmulator.Http;

/// <summary>Stripe's list envelope with cursor pagination (<c>limit</c>, <c>starting_after</c>, <c>ending_before</c>).</summary>
public static class Lists
{
    public static JsonObject Page(IEnumerable<JsonObject> newestFirst, StripeParams p, string url)
    {
        var all = newestFirst.ToList();
        var limit = (int)Math.Clamp(p.Long("limit") ?? 10, 1, 100);
        IEnumerable<JsonObject> window = all;
        if (p.String("starting_after") is { Length: > 0 } after)
        {
            var i = all.FindIndex(o => (string?)o["id"] == after);
            window = i < 0 ? throw StripeApiException.NoSuchResource("object", after, "starting_after") : all.Skip(i + 1);
        }
        else if (p.String("ending_before") is { Length: > 0 } before)
        {
            var i = all.FindIndex(o => (string?)o["id"] == before);
            window = i < 0 ? throw StripeApiException.NoSuchResource("object", before, "ending_before") : all.Take(i).TakeLast(limit);
        }
        var page = window.Take(limit + 1).ToList();
        return Envelope(page.Take(limit), page.Count > limit, url);
    }

    public static JsonObject Envelope(IEnumerable<JsonObject> items, bool hasMore, string url) => new()
    {
        ["object"] = "list",
        ["data"] = new JsonArray(items.Select(i => (JsonNode)i.DeepClone()).ToArray()),
        ["has_more"] = hasMore,
        ["url"] = url,
    };

    public static JsonObject SearchResult(IEnumerable<JsonObject> items, string url)
    {
        var data = items.Take(100).ToList();
        return new JsonObject
        {
            ["object"] = "search_result",
            ["data"] = new JsonArray(data.Select(i => (JsonNode)i.DeepClone()).ToArray()),
            ["has_more"] = false,
            ["next_page"] = null,
            ["url"] = url,
            ["total_count"] = data.Count,
        };
    }

    /// <summary>Filters on <c>created[gte]</c>-style ranges and plain equality of top-level string fields.</summary>
    public static IEnumerable<JsonObject> Where(this IEnumerable<JsonObject> items, StripeParams p, params string[] fields)
    {
        foreach (var field in fields)
            if (p.String(field) is { Length: > 0 } wanted)
                items = items.Where(o => (string?)o[field] == wanted).ToList();
        return items;
    }
}
