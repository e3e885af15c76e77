using System.Text.Json.Nodes;

namespace Credits.IntegrationTests.Hardening.Generated;

/// <summary>The kind of value a parameter or body field takes, read from its OpenAPI schema.</summary>
enum ValueKind { String, Integer, Boolean, DateTime, Guid, Array, Object }

/// <summary>A field of a request body, with its children when it is an object or an array of objects.</summary>
sealed record BodyField(string Name, ValueKind Kind, bool Required, IReadOnlyList<BodyField> Children);

sealed record ApiParameter(string Name, string In, ValueKind Kind, bool Required);

/// <summary>One operation of the Gateway's OpenAPI document, its parameters and body fields resolved.</summary>
sealed record ApiOperation(string Method, string Path, IReadOnlyList<ApiParameter> Parameters, IReadOnlyList<BodyField>? Body, bool Streams)
{
    public override string ToString() => $"{Method} {Path}";

    /// <summary>Reads every operation of the document served at /openapi/v1.json.</summary>
    public static IReadOnlyList<ApiOperation> Read(JsonNode document)
    {
        var schemas = document["components"]?["schemas"]?.AsObject();
        var operations = new List<ApiOperation>();
        foreach (var (path, item) in document["paths"]!.AsObject())
        foreach (var (method, operation) in item!.AsObject())
        {
            var parameters = (operation!["parameters"]?.AsArray() ?? [])
                .Select(p => new ApiParameter(p!["name"]!.GetValue<string>(), p["in"]!.GetValue<string>(),
                    KindOf(p["schema"], schemas, p["name"]!.GetValue<string>()), p["required"]?.GetValue<bool>() ?? false))
                .ToList();
            var bodySchema = operation["requestBody"]?["content"]?["application/json"]?["schema"];
            var body = bodySchema is null ? null : Fields(Resolve(bodySchema, schemas), schemas);
            var streams = operation["summary"]?.GetValue<string>().Contains("Server-sent events", StringComparison.Ordinal) ?? false;
            operations.Add(new ApiOperation(method.ToUpperInvariant(), path, parameters, body, streams));
        }
        return operations;
    }

    static JsonNode Resolve(JsonNode schema, JsonObject? schemas) =>
        schema["$ref"]?.GetValue<string>() is { } reference ? schemas![reference.Split('/')[^1]]! : schema;

    static List<BodyField> Fields(JsonNode schema, JsonObject? schemas)
    {
        var required = (schema["required"]?.AsArray() ?? []).Select(r => r!.GetValue<string>()).ToHashSet();
        return (schema["properties"]?.AsObject() ?? [])
            .Select(p =>
            {
                var kind = KindOf(p.Value, schemas, p.Key);
                var children = kind switch
                {
                    ValueKind.Object => Fields(Resolve(p.Value!, schemas), schemas),
                    ValueKind.Array when p.Value!["items"] is { } items && Resolve(items, schemas)["properties"] is not null =>
                        Fields(Resolve(items, schemas), schemas),
                    _ => [],
                };
                return new BodyField(p.Key, kind, required.Contains(p.Key), children);
            })
            .ToList();
    }

    static ValueKind KindOf(JsonNode? schema, JsonObject? schemas, string name)
    {
        if (schema is null) return ValueKind.String;
        if (schema["$ref"] is not null) return ValueKind.Object;
        var types = schema["type"] switch
        {
            JsonArray array => array.Select(t => t!.GetValue<string>()).ToHashSet(),
            JsonValue value => [value.GetValue<string>()],
            _ => new HashSet<string>(),
        };
        var format = schema["format"]?.GetValue<string>();
        return types.Contains("integer") ? ValueKind.Integer
            : types.Contains("boolean") ? ValueKind.Boolean
            : types.Contains("array") ? ValueKind.Array
            : types.Contains("object") ? ValueKind.Object
            : format == "date-time" ? ValueKind.DateTime
            : format == "uuid" || name is "reservationId" or "operationId" or "id" ? ValueKind.Guid
            : ValueKind.String;
    }
}
