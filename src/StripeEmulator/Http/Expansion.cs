using System.Text.Json.Nodes;
using Credits.StripeEmulator.State;

namespace Credits.StripeEmulator.Http;

/// <summary><c>expand[]=latest_invoice</c>, <c>expand[]=data.product</c>: ids replaced by copies of the objects.</summary>
public static class Expansion
{
    public static JsonNode Apply(JsonNode response, IReadOnlyList<string> paths, EmulatorStore store)
    {
        foreach (var path in paths) Expand(response, path.Split('.'), 0, store);
        return response;
    }

    private static void Expand(JsonNode? node, string[] path, int at, EmulatorStore store)
    {
        if (node is JsonArray array)
        {
            foreach (var item in array) Expand(item, path, at, store);
            return;
        }
        if (node is not JsonObject obj || at >= path.Length) return;
        var field = path[at];
        var value = obj[field];
        if (value is JsonValue v && v.TryGetValue<string>(out var id) && store.Find(id) is { } found)
        {
            value = found.DeepClone();
            obj[field] = value;
        }
        Expand(value, path, at + 1, store);
    }
}
