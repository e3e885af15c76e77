using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;

namespace Credits.Gateway.Problems;

/// <summary>
/// A request the framework could not bind (a body that is not JSON, a wrong type, a fraction where a whole number
/// belongs, "abc" for a number in the query) is the caller's mistake: 400 problem+json naming the field, in every
/// environment. Without this, Development (where minimal APIs throw on bad requests) answered 500. The text says
/// what is wrong in the caller's terms; the exception's own message (type names, positions) is not passed on.
/// </summary>
sealed partial class BadRequestExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        if (exception is not BadHttpRequestException bad) return false;
        var (field, detail) = Describe(bad);
        http.Response.StatusCode = bad.StatusCode;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails =
            {
                Status = bad.StatusCode, Title = "Invalid request", Detail = detail,
                Extensions = { ["errors"] = new Dictionary<string, string[]> { [field] = [detail] } },
            },
        });
    }

    static (string Field, string Detail) Describe(BadHttpRequestException bad)
    {
        if (bad.InnerException is JsonException json)
        {
            var field = JsonField(json.Path);
            return field == "body"
                ? ("body", "The request body is not valid JSON of the expected shape.")
                : (field, $"'{field}' has a value of the wrong type or form (whole numbers for credits, strings for ids).");
        }
        if (BindFailure().Match(bad.Message) is { Success: true } bind)
            return (bind.Groups["name"].Value, $"'{bind.Groups["name"].Value}' must be a valid {Friendly(bind.Groups["type"].Value)}.");
        if (MissingBody().IsMatch(bad.Message) || bad.Message.Contains("JSON", StringComparison.OrdinalIgnoreCase))
            return ("body", "A JSON request body is required.");
        return ("request", "The request could not be read.");
    }

    /// <summary>"$.events[0].credits" -> "events[0].credits"; the root -> "body".</summary>
    static string JsonField(string? path) =>
        string.IsNullOrEmpty(path) || path == "$" ? "body" : path.StartsWith("$.") ? path[2..] : path.TrimStart('$');

    static string Friendly(string type) => type switch
    {
        "long" or "int" or "Int64" or "Int32" or "long?" or "int?" => "whole number",
        "Guid" or "Guid?" => "id (a UUID)",
        "bool" or "bool?" => "true or false",
        _ => "value",
    };

    [GeneratedRegex("""Failed to bind parameter "(?<type>[^ "]+) (?<name>[^ "]+)" from""")]
    private static partial Regex BindFailure();

    [GeneratedRegex("Implicit body inferred|Required parameter .* was not provided from body", RegexOptions.IgnoreCase)]
    private static partial Regex MissingBody();
}
