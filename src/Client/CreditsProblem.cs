using System.Text.Json;
using System.Text.Json.Serialization;

namespace Credits.Client;

/// <summary>
/// An RFC 7807 problem as the Gateway answers every refusal (application/problem+json): <see cref="Errors"/> names
/// the offending fields of a 400 (e.g. "events[2].credits"), <see cref="Extensions"/> holds the other members
/// (e.g. inFlightOperationId on a 409 for a plan change in the way, traceId).
/// </summary>
public sealed record CreditsProblem
{
    public string? Type { get; init; }
    public string? Title { get; init; }
    public int? Status { get; init; }
    public string? Detail { get; init; }
    public string? Instance { get; init; }
    public IReadOnlyDictionary<string, string[]> Errors { get; init; } = new Dictionary<string, string[]>();

    [JsonExtensionData]
    public Dictionary<string, JsonElement> Extensions { get; init; } = [];
}
