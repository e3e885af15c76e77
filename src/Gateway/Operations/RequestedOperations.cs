using System.Text.Json;

namespace Credits.Gateway.Operations;

/// <summary>What a client asked for, as stored in operation_requests.request: shown while no saga has started, and
/// compared when an Idempotency-Key comes again (the same key with other content is refused).</summary>
public sealed record RequestedPlanChange(string PlanId);

public sealed record RequestedTopUp(string PackId, long Credits, long Amount, string Currency, bool UseSavedCard);

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
