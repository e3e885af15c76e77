using System.Text.Json;
using System.Text.Json.Nodes;

namespace Credits.StripeEmulator.Http;

/// <summary>Reads a request's parameters once (query string, form or JSON body) and caches them.</summary>
public static class RequestParams
{
    private const string Key = "stripe.params";

    public static async Task<StripeParams> ReadAsync(HttpContext http)
    {
        if (http.Items.TryGetValue(Key, out var cached)) return (StripeParams)cached!;
        var pairs = http.Request.Query.SelectMany(q => q.Value.Select(v => new KeyValuePair<string, string>(q.Key, v ?? "")));
        var root = FormBody.Parse(pairs);
        if (http.Request.ContentType?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) == true)
        {
            try
            {
                if (await JsonNode.ParseAsync(http.Request.Body) is JsonObject json)
                    foreach (var (k, v) in json.ToList()) { json.Remove(k); root[k] = v; }
            }
            catch (JsonException e)
            {
                throw new StripeApiException(400, "invalid_request_error", null, $"Invalid JSON body: {e.Message}") { BeforeExecution = true };
            }
        }
        else if (http.Request.HasFormContentType)
        {
            var form = await http.Request.ReadFormAsync();
            var body = FormBody.Parse(form.SelectMany(f => f.Value.Select(v => new KeyValuePair<string, string>(f.Key, v ?? ""))));
            foreach (var (k, v) in body.ToList()) { body.Remove(k); root[k] = v; }
        }
        var parameters = new StripeParams(root);
        http.Items[Key] = parameters;
        return parameters;
    }
}
