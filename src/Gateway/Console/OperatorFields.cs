using System.Security.Claims;
using Credits.Ledger;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Credits.Gateway.Console;

/// <summary>
/// Who did it and why, as every operator action records it: the operator's name as typed in the request and the API
/// key that made the call ("alice via console-key": a shared key still leaves a name, and the name cannot hide the
/// key), and a reason in the operator's words. Both are required; texts are checked before anything is written. One line each, like every other text of the API (the generated bad requests count a line break as bad input).
/// </summary>
public static class OperatorFields
{
    public const int MaxOperatorLength = 100;
    public const int MaxReasonLength = 1000;

    /// <summary>The log's actor column (300) and an audit run's requested_by (200) hold this.</summary>
    public const int MaxActorLength = 200;

    public static string Actor(string operatorName, ClaimsPrincipal user)
    {
        var actor = $"{operatorName.Trim()} via {user.Identity?.Name ?? "an unnamed key"}";
        return actor.Length > MaxActorLength ? actor[..MaxActorLength] : actor;
    }

    /// <summary>A problem naming the first field that is missing or unusable, or null.</summary>
    public static ProblemHttpResult? Check(string? operatorName, string? reason) =>
        Text("operator", operatorName, MaxOperatorLength) ?? Text("reason", reason, MaxReasonLength);

    /// <summary>
    /// A required text on one line: 1 to <paramref name="max"/> characters, not blank, without control characters
    /// (PostgreSQL's text cannot hold NUL; a line break is a control character too).
    /// </summary>
    public static ProblemHttpResult? Text(string field, string? value, int max)
    {
        if (string.IsNullOrWhiteSpace(value))
            return Invalid(field, $"{field} is required.");
        if (value.Length > max)
            return Invalid(field, $"{field} must be at most {max} characters.");
        if (LedgerLimits.HasControlCharacters(value))
            return Invalid(field, $"{field} must not contain control characters.");
        return null;
    }

    /// <summary>400 problem+json naming the field, the shape of the API's other validation problems.</summary>
    public static ProblemHttpResult Invalid(string field, string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid request", detail: detail,
            extensions: new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { [field] = [detail] } });
}
