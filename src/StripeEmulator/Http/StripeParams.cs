using System.Globalization;
using System.Text.Json.Nodes;

namespace Credits.StripeEmulator.Http;

/// <summary>
/// Request parameters as a JSON tree: v1 form bodies (bracket notation) and query strings are
/// unfolded into objects and arrays of strings; v2 JSON bodies are kept as sent.
/// </summary>
public sealed class StripeParams(JsonObject root)
{
    public JsonObject Root { get; } = root;

    public static StripeParams Empty => new([]);

    public JsonNode? Node(string path)
    {
        JsonNode? node = Root;
        foreach (var part in path.Split('.'))
        {
            node = node switch
            {
                JsonObject o => o[part],
                JsonArray a when int.TryParse(part, out var i) && i < a.Count => a[i],
                _ => null,
            };
            if (node is null) return null;
        }
        return node;
    }

    public bool Has(string path) => Node(path) is not null;

    public string? String(string path) => Node(path) switch
    {
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonValue v => v.ToJsonString(),
        _ => null,
    };

    public string Required(string path) =>
        String(path) is { Length: > 0 } s ? s : throw StripeApiException.MissingParam(path);

    public long? Long(string path)
    {
        var s = String(path);
        if (string.IsNullOrEmpty(s)) return null;
        if (long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l)) return l;
        throw StripeApiException.Malformed(path, $"Invalid integer: {s}");
    }

    public decimal? Decimal(string path)
    {
        var s = String(path);
        if (string.IsNullOrEmpty(s)) return null;
        if (decimal.TryParse(s, NumberStyles.Number, CultureInfo.InvariantCulture, out var d)) return d;
        throw StripeApiException.Malformed(path, $"Invalid decimal: {s}");
    }

    public bool? Bool(string path) => String(path) switch
    {
        null or "" => null,
        "true" => true,
        "false" => false,
        var s => throw StripeApiException.Malformed(path, $"Invalid boolean: {s}"),
    };

    /// <summary>Unix seconds (v1) or ISO-8601 (v2).</summary>
    public long? Timestamp(string path)
    {
        var s = String(path);
        if (string.IsNullOrEmpty(s)) return null;
        if (long.TryParse(s, out var unix)) return unix;
        if (DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t))
            return t.ToUnixTimeSeconds();
        throw StripeApiException.Malformed(path, $"Invalid timestamp: {s}");
    }

    public IReadOnlyList<StripeParams> Objects(string path) => Node(path) switch
    {
        JsonArray a => a.OfType<JsonObject>().Select(o => new StripeParams(o)).ToList(),
        JsonObject o => o.Select(kv => kv.Value).OfType<JsonObject>().Select(x => new StripeParams(x)).ToList(),
        _ => [],
    };

    public IReadOnlyList<string> Strings(string path) => Node(path) switch
    {
        JsonArray a => a.Select(x => x?.ToString() ?? "").ToList(),
        JsonObject o => o.Select(kv => kv.Value?.ToString() ?? "").ToList(),
        JsonValue v => [v.ToString()],
        _ => [],
    };

    public StripeParams? Object(string path) => Node(path) is JsonObject o ? new StripeParams(o) : null;

    /// <summary>A canonical string of the parameters, to compare two requests under one idempotency key.</summary>
    public string Fingerprint() => Root.ToJsonString();
}
