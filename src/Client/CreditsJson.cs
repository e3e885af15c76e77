using System.Text.Json;
using System.Text.Json.Serialization;

namespace Credits.Client;

/// <summary>The Gateway's JSON: camelCase (ASP.NET Core's web defaults), enums read by name or number, nulls not sent.</summary>
static class CreditsJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        // An omitted optional field means the same to the Gateway as null, and keeps requests short.
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter() },
    };
}
