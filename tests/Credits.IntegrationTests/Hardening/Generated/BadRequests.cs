using System.Text;
using System.Text.Json.Nodes;
using CsCheck;

namespace Credits.IntegrationTests.Hardening.Generated;

/// <summary>What a generated request needs from the running system: a customer, its portal token, an open reservation.</summary>
sealed record RequestContext(string CustomerId, string PortalToken, Guid ReservationId, string ApiKey);

/// <summary>A request the Gateway must refuse: one valid request of an operation with exactly one thing made wrong.</summary>
sealed record BadRequest(ApiOperation Operation, string Wrong, string Method, string Url, string? Body,
    IReadOnlyList<KeyValuePair<string, string>> Headers)
{
    public override string ToString()
    {
        var body = Body is null ? "" : " " + (Body.Length > 300 ? Body[..300] + $"...({Body.Length} chars)" : Body);
        var url = Url.Length > 300 ? Url[..300] + $"...({Url.Length} chars)" : Url;
        return $"{Operation} with {Wrong}: {Method} {url}{body} [{string.Join(", ", Headers.Select(h => h.Key))}]";
    }
}

/// <summary>
/// Generates bad requests for one operation of the OpenAPI document. The valid request is built from the schema
/// (field names give plausible values); then one of its parts is made wrong: the credentials, a path, query or
/// header parameter, the whole body, or one field of the body (nested fields of a usage event included). Every
/// wrong value is one no reading of the API accepts: wrong JSON types, fractions and numbers past 64 bits,
/// amounts past <c>LedgerLimits.MaxCredits</c>, control characters, over-long ids and texts, non-JSON bodies.
/// </summary>
static class BadRequests
{
    const long MaxCredits = 1_000_000_000;

    /// <summary>A new node for every sample (a JSON node belongs to one parent).</summary>
    static Gen<JsonNode?> Fresh(Func<JsonNode?> make) => Gen.Int[0, 0].Select(_ => make());

    static readonly Gen<string> ControlCharacter = Gen.Char['\u0000', '\u001f'].Select(c => c.ToString());

    static Gen<string> WithControlCharacter(string text) =>
        Gen.Select(ControlCharacter, Gen.Int[0, text.Length], (c, at) => text.Insert(at, c));

    static Gen<string> LongerThan(int length) => Gen.Int[length + 1, length + 20_000].Select(n => new string('x', n));

    /// <summary>Text that is no JSON document at all (a control character first), or JSON that is not an object.</summary>
    static readonly Gen<string> NotAnObject = Gen.OneOf(
        Gen.String[0, 40].Select(s => "\u0001" + s),
        Gen.OneOf("", "{", "{\"", "}", "[1,2,3]", "[]", "null", "42", "\"text\"", "true", "{\"a\":}", "{'single':'quotes'}",
            new string('[', 200) + new string(']', 200)));

    static readonly Gen<JsonNode?> HugeNumber =
        Gen.Int[1, 30].Select(digits => JsonNode.Parse("9223372036854775808" + new string('9', digits)));

    static readonly Gen<JsonNode?> Fraction = Gen.Select(Gen.Long[0, 1_000], Gen.Int[1, 99], (w, f) => JsonNode.Parse($"{w}.{f:D2}"));

    static Gen<JsonNode?> WrongForInteger(string name) => Gen.OneOf(
        Gen.OneOf<JsonNode?>(JsonValue.Create("abc"), JsonValue.Create(true), JsonValue.Create(1e30)),
        Fresh(() => new JsonObject()), Fresh(() => new JsonArray()), Fresh(() => null),
        Fraction, HugeNumber,
        IsAmount(name) ? Gen.Long[MaxCredits + 1, long.MaxValue].Select(n => (JsonNode?)JsonValue.Create(n)) : HugeNumber);

    static bool IsAmount(string name) => name is "credits" or "actualCredits" or "threshold";

    static Gen<JsonNode?> WrongForString(string name, string valid, bool nullMeansDefault) => Gen.OneOf(
        Gen.OneOf<JsonNode?>(JsonValue.Create(5), JsonValue.Create(false), JsonValue.Create(1.5)),
        Fresh(() => new JsonObject()), Fresh(() => new JsonArray()),
        WithControlCharacter(valid).Select(s => (JsonNode?)JsonValue.Create(s)),
        LongerThan(1_000).Select(s => (JsonNode?)JsonValue.Create(s)),
        // Null only where the field names what the request is about; elsewhere (a name, a feature) null means "none".
        IsIdentifier(name) && !nullMeansDefault ? Fresh(() => null) : WithControlCharacter(valid).Select(s => (JsonNode?)JsonValue.Create(s)));

    static bool IsIdentifier(string name) => name is "customerId" or "eventId" or "planId" or "packId";

    static Gen<JsonNode?> WrongFor(BodyField field, string valid, string path) => field.Kind switch
    {
        ValueKind.Integer => WrongForInteger(field.Name),
        ValueKind.Boolean => Gen.OneOf<JsonNode?>(JsonValue.Create("abc"), JsonValue.Create(5), null, JsonValue.Create("")),
        ValueKind.DateTime => Gen.OneOf(
            Gen.OneOf<JsonNode?>(JsonValue.Create("not a date"), JsonValue.Create(5), JsonValue.Create("2026-13-45T25:61:00Z"), JsonValue.Create(true)),
            WithControlCharacter(valid).Select(s => (JsonNode?)JsonValue.Create(s))),
        ValueKind.Array => Gen.OneOf(
            Gen.OneOf<JsonNode?>(null, JsonValue.Create("x"), JsonValue.Create(5)),
            Fresh(() => new JsonObject()), Fresh(() => new JsonArray((JsonNode?)null)),
            Fresh(() => new JsonArray(JsonValue.Create(5)))),
        ValueKind.Object => Gen.OneOf<JsonNode?>(null, JsonValue.Create("x"), JsonValue.Create(5)),
        // Registration without a plan is on the default plan (documented), so a null planId is valid there.
        _ => WrongForString(field.Name, valid, nullMeansDefault: field.Name == "planId" && path == "/v1/customers"),
    };

    /// <summary>A valid value for a field or parameter, by its name.</summary>
    static JsonNode? ValidValue(BodyField field, RequestContext context, string method, string path) => field.Kind switch
    {
        ValueKind.Integer => JsonValue.Create(field.Name switch { "threshold" => 10L, "timeToLiveSeconds" => 600L, _ => 1L }),
        ValueKind.Boolean => JsonValue.Create(field.Name == "enabled"),
        ValueKind.DateTime => JsonValue.Create(DateTimeOffset.UtcNow.ToString("O")),
        ValueKind.Array => new JsonArray(Valid(field.Children, context, method, path)),
        ValueKind.Object => Valid(field.Children, context, method, path),
        _ => JsonValue.Create(ValidText(field.Name, context, method, path)),
    };

    static string ValidText(string name, RequestContext context, string method, string path) => name switch
    {
        // Registration's customer is a new one each time (the request is valid but for the one thing made wrong).
        "customerId" when path == "/v1/customers" => "generated-" + Guid.NewGuid().ToString("N")[..12],
        "customerId" => context.CustomerId,
        "eventId" => "evt-" + Guid.NewGuid().ToString("N"),
        "planId" => path == "/v1/customers" ? "hobby" : "pro",
        "packId" => "small",
        "email" => "someone@example.com",
        "name" => "Someone",
        "feature" => "chat",
        _ => "text",
    };

    static JsonObject Valid(IReadOnlyList<BodyField> fields, RequestContext context, string method, string path)
    {
        var body = new JsonObject();
        foreach (var field in fields) body[field.Name] = ValidValue(field, context, method, path);
        return body;
    }

    /// <summary>Every leaf of a body as a path of names (an array's first element is "[0]").</summary>
    static IEnumerable<(BodyField Field, string[] Path)> Leaves(IReadOnlyList<BodyField> fields, string[] prefix)
    {
        foreach (var field in fields)
        {
            var path = prefix.Append(field.Name).ToArray();
            yield return (field, path);
            if (field.Kind == ValueKind.Array && field.Children.Count > 0)
                foreach (var leaf in Leaves(field.Children, [.. path, "[0]"])) yield return leaf;
            else if (field.Kind == ValueKind.Object)
                foreach (var leaf in Leaves(field.Children, path)) yield return leaf;
        }
    }

    sealed class Draft(ApiOperation operation)
    {
        public Dictionary<string, string> PathValues { get; } = [];
        public Dictionary<string, string> Query { get; } = [];
        public Dictionary<string, string> Headers { get; } = [];
        public JsonNode? Body { get; set; }
        public string? RawBody { get; set; }

        public BadRequest Finish(string wrong)
        {
            var path = PathValues.Aggregate(operation.Path, (p, v) => p.Replace("{" + v.Key + "}", Uri.EscapeDataString(v.Value)));
            var query = Query.Count == 0 ? "" : "?" + string.Join("&", Query.Select(q => $"{q.Key}={Uri.EscapeDataString(q.Value)}"));
            var body = RawBody ?? Body?.ToJsonString();
            return new BadRequest(operation, wrong, operation.Method, path + query, body, Headers.ToList());
        }

        public static Draft Valid(ApiOperation operation, RequestContext context)
        {
            var draft = new Draft(operation);
            foreach (var p in operation.Parameters)
            {
                var value = p.Kind == ValueKind.Guid
                    ? (p.Name == "reservationId" ? context.ReservationId : Guid.NewGuid()).ToString()
                    : p.Name switch
                    {
                        "customerId" => context.CustomerId,
                        "Idempotency-Key" => "generated-" + Guid.NewGuid().ToString("N"),
                        "credits" => "1",
                        "planId" => "pro",
                        _ => null,
                    };
                if (value is null) continue;
                (p.In switch { "path" => draft.PathValues, "query" => draft.Query, _ => draft.Headers })[p.Name] = value;
            }
            if (operation.Body is not null) draft.Body = BadRequests.Valid(operation.Body, context, operation.Method, operation.Path);
            if (operation.Path.StartsWith("/portal/api", StringComparison.Ordinal))
                draft.Headers["Authorization"] = "Bearer " + context.PortalToken;
            else if (operation.Path.StartsWith("/webhooks", StringComparison.Ordinal))
                draft.Headers["Stripe-Signature"] = $"t={DateTimeOffset.UtcNow.ToUnixTimeSeconds()},v1={new string('0', 64)}";
            else
                draft.Headers["Authorization"] = "Bearer " + context.ApiKey;
            return draft;
        }
    }

    /// <summary>One made-wrong part: what it is, and the change to a valid draft.</summary>
    sealed record Change(string Wrong, Action<Draft> Apply);

    public static Gen<BadRequest> For(ApiOperation operation, RequestContext context)
    {
        var changes = new List<Gen<Change>>
        {
            Gen.OneOf(
                new Change("no credentials", d => { d.Headers.Remove("Authorization"); d.Headers.Remove("Stripe-Signature"); }),
                new Change("an unknown key", d => Credential(d, "Bearer " + new string('k', 40))),
                new Change("a malformed Authorization header", d => Credential(d, "Basic !!"))),
        };
        foreach (var p in operation.Parameters)
            changes.Add(WrongParameter(p).Select(v => new Change($"{p.In} {p.Name} = {Shown(v)}",
                d => (p.In switch { "path" => d.PathValues, "query" => d.Query, _ => d.Headers })[p.Name] = v)));
        if (operation.Body is not null || operation.Path.StartsWith("/webhooks", StringComparison.Ordinal))
            changes.Add(NotAnObject.Select(text => new Change($"a body that is not the object: {Shown(text)}", d => d.RawBody = text)));
        if (operation.Body is not null)
            foreach (var (field, path) in Leaves(operation.Body, []))
            {
                var valid = ValidText(field.Name, context, operation.Method, operation.Path);
                changes.Add(WrongFor(field, valid, operation.Path).Select(v => new Change($"body {string.Join('.', path)} = {Shown(v?.ToJsonString() ?? "null")}",
                    d => Replace(d.Body!, path, v?.DeepClone()))));
            }
        return Gen.OneOf(changes.ToArray()).Select(change =>
        {
            var draft = Draft.Valid(operation, context);
            change.Apply(draft);
            return draft.Finish(change.Wrong);
        });
    }

    static void Credential(Draft draft, string value)
    {
        if (draft.Headers.Remove("Stripe-Signature")) draft.Headers["Stripe-Signature"] = "t=1,v1=" + new string('0', 64);
        else draft.Headers["Authorization"] = value;
    }

    static Gen<string> WrongParameter(ApiParameter p) => (p.Kind, p.Name) switch
    {
        (ValueKind.Guid, _) => Gen.OneOf(Gen.OneOf("not-a-guid", "00000000-0000-0000-0000-00000000000g", "1"),
            Gen.String[1, 20].Select(s => "x" + s)),
        (ValueKind.Integer, "credits") => Gen.OneOf(Gen.OneOf("abc", "1.5", "0", "-1", "99999999999999999999", "1e3"),
            Gen.Long[MaxCredits + 1, long.MaxValue].Select(n => n.ToString())),
        (ValueKind.Integer, _) => Gen.OneOf(Gen.OneOf("abc", "1.5", "99999999999999999999", "1e3", "0x10"),
            Fraction.Select(f => f!.ToJsonString())),
        (_, "Idempotency-Key") => Gen.OneOf(LongerThan(255), Gen.OneOf("   ")),
        (_, "customerId") => Gen.OneOf(LongerThan(128), WithControlCharacter("customer"), Gen.OneOf("has space", "a/b")),
        _ => Gen.OneOf(LongerThan(1_000), WithControlCharacter("value")),
    };

    static void Replace(JsonNode body, string[] path, JsonNode? value)
    {
        var node = body;
        for (var i = 0; i < path.Length - 1; i++)
            node = path[i] == "[0]" ? node.AsArray()[0]! : node[path[i]]!;
        node[path[^1]] = value;
    }

    static string Shown(string text)
    {
        var shown = new StringBuilder();
        foreach (var c in text.Length > 40 ? text[..40] : text)
            shown.Append(char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString());
        return text.Length > 40 ? $"{shown}...({text.Length} chars)" : shown.ToString();
    }
}
