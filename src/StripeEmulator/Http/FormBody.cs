using System.Text.Json.Nodes;

namespace Credits.StripeEmulator.Http;

/// <summary>
/// Unfolds Stripe's bracket notation (<c>items[0][price]=p</c>, <c>metadata[k]=v</c>,
/// <c>expand[]=x</c>) into a JSON tree. Objects whose keys are all indexes become arrays.
/// </summary>
public static class FormBody
{
    public static JsonObject Parse(IEnumerable<KeyValuePair<string, string>> pairs)
    {
        var root = new JsonObject();
        foreach (var (key, value) in pairs)
        {
            var path = Split(key);
            JsonObject node = root;
            for (var i = 0; i < path.Count - 1; i++)
            {
                var segment = path[i] == "" ? node.Count.ToString() : path[i];
                if (node[segment] is not JsonObject child)
                {
                    child = new JsonObject();
                    node[segment] = child;
                }
                node = child;
            }
            var last = path[^1] == "" ? node.Count.ToString() : path[^1];
            node[last] = JsonValue.Create(value);
        }
        return (JsonObject)Fold(root);
    }

    private static List<string> Split(string key)
    {
        var parts = new List<string>();
        var open = key.IndexOf('[');
        if (open < 0) return [key];
        parts.Add(key[..open]);
        while (open >= 0 && open < key.Length)
        {
            var close = key.IndexOf(']', open);
            if (close < 0) break;
            parts.Add(key[(open + 1)..close]);
            open = key.IndexOf('[', close);
        }
        return parts;
    }

    private static JsonNode Fold(JsonNode node)
    {
        if (node is not JsonObject obj) return node;
        var entries = obj.ToList();
        foreach (var (k, _) in entries) obj.Remove(k);
        var folded = entries.Select(e => (e.Key, Value: e.Value is null ? null : Fold(e.Value))).ToList();
        if (folded.Count > 0 && folded.All(e => int.TryParse(e.Key, out _)))
        {
            var array = new JsonArray();
            foreach (var e in folded.OrderBy(e => int.Parse(e.Key))) array.Add(e.Value);
            return array;
        }
        foreach (var (k, v) in folded) obj[k] = v;
        return obj;
    }
}
