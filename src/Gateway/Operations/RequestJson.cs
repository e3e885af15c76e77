using System.Text.Json;

namespace Credits.Gateway.Operations;

/// <summary>The format of operation_requests.request: System.Text.Json with web defaults (camelCase), read leniently.</summary>
public static class RequestJson
{
    static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    public static string Write<T>(T request) => JsonSerializer.Serialize(request, Options);

    public static T? Read<T>(string json) where T : class
    {
        try { return JsonSerializer.Deserialize<T>(json, Options); }
        catch (JsonException) { return null; }
    }
}
