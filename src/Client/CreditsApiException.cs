using System.Net;

namespace Credits.Client;

/// <summary>
/// The Gateway refused a request or failed after the resilience handler's retries: <see cref="StatusCode"/> and the
/// RFC 7807 <see cref="Problem"/> it answered (an empty one when the body was not problem details, e.g. from a proxy).
/// The message names the method, path, status, title and detail: never a header, so never the API key.
/// </summary>
public sealed class CreditsApiException(HttpMethod method, string path, HttpStatusCode statusCode, CreditsProblem problem)
    : Exception($"{method} {path} answered {(int)statusCode} {problem.Title ?? statusCode.ToString()}" +
        (problem.Detail is { Length: > 0 } detail ? $": {detail}" : ""))
{
    public HttpStatusCode StatusCode { get; } = statusCode;
    public CreditsProblem Problem { get; } = problem;

    /// <summary>The fields a 400 named, with their problems (empty otherwise).</summary>
    public IReadOnlyDictionary<string, string[]> Errors => Problem.Errors;
}
