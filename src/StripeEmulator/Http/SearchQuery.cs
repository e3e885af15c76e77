using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Credits.StripeEmulator.Http;

/// <summary>
/// The subset of Stripe's search query language the emulator understands: clauses
/// <c>field:'value'</c> and <c>metadata['key']:'value'</c> joined by <c>AND</c> (exact match).
/// </summary>
public static partial class SearchQuery
{
    [GeneratedRegex(@"^\s*(?<field>[a-z_]+)(\['(?<key>[^']+)'\])?\s*:\s*['""](?<value>[^'""]*)['""]\s*$")]
    private static partial Regex Clause();

    public static Func<JsonObject, bool> Parse(string query)
    {
        var clauses = Regex.Split(query, @"\s+AND\s+", RegexOptions.IgnoreCase)
            .Select(c => Clause().Match(c))
            .Select(m => m.Success ? m : throw StripeApiException.InvalidParam("query",
                $"The emulator only supports field:'value' clauses joined by AND; got: {query}"))
            .Select(m => (Field: m.Groups["field"].Value, Key: m.Groups["key"].Success ? m.Groups["key"].Value : null, Value: m.Groups["value"].Value))
            .ToList();
        return obj => clauses.All(c =>
        {
            var node = c.Key is null ? obj[c.Field] : (obj[c.Field] as JsonObject)?[c.Key];
            return node?.ToString() == c.Value;
        });
    }
}
