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

    /// <summary>
    /// Filters on plain equality of top-level string fields, and on <c>created</c> as Stripe's list endpoints take it:
    /// a Unix time, or a range of <c>created[gt]</c>, <c>[gte]</c>, <c>[lt]</c>, <c>[lte]</c>
    /// (https://docs.stripe.com/api/payment_intents/list#list_payment_intents-created, the same on invoices,
    /// refunds, disputes, checkout sessions, subscriptions, charges).
    /// </summary>
    public static IEnumerable<JsonObject> Where(this IEnumerable<JsonObject> items, StripeParams p, params string[] fields)
    {
        foreach (var field in fields)
            if (p.String(field) is { Length: > 0 } wanted)
                items = items.Where(o => (string?)o[field] == wanted).ToList();
        return items.CreatedIn(p);
    }

    static IEnumerable<JsonObject> CreatedIn(this IEnumerable<JsonObject> items, StripeParams p)
    {
        if (p.Long("created") is { } exactly) return items.Where(o => Created(o) == exactly).ToList();
        var (gt, gte, lt, lte) = (p.Long("created.gt"), p.Long("created.gte"), p.Long("created.lt"), p.Long("created.lte"));
        if (gt is null && gte is null && lt is null && lte is null) return items;
        return items.Where(o => Created(o) is { } c && (gt is null || c > gt) && (gte is null || c >= gte) && (lt is null || c < lt) && (lte is null || c <= lte))
            .ToList();
    }

    static long? Created(JsonObject o) => o["created"] is JsonValue v && v.TryGetValue<long>(out var c) ? c : null;
}
