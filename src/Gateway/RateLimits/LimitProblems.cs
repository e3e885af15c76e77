using System.Globalization;

namespace Credits.Gateway.RateLimits;

/// <summary>
/// The answer to a request refused by a limit: problem+json (429, or 503 when the whole instance is full) with
/// Retry-After in whole seconds, so a well-behaved client knows when to come back. One shape for every limit.
/// </summary>
public static class LimitProblems
{
    public static IResult TooManyRequests(string title, string detail, TimeSpan retryAfter) =>
        new RetryAfterProblem(StatusCodes.Status429TooManyRequests, title, detail, retryAfter);

    public static IResult Unavailable(string title, string detail, TimeSpan retryAfter) =>
        new RetryAfterProblem(StatusCodes.Status503ServiceUnavailable, title, detail, retryAfter);

    sealed class RetryAfterProblem(int status, string title, string detail, TimeSpan retryAfter) : IResult
    {
        public Task ExecuteAsync(HttpContext http)
        {
            var seconds = Math.Max(1, (long)Math.Ceiling(retryAfter.TotalSeconds));
            http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            return TypedResults.Problem(statusCode: status, title: title, detail: detail,
                extensions: new Dictionary<string, object?> { ["retryAfterSeconds"] = seconds }).ExecuteAsync(http);
        }
    }
}
