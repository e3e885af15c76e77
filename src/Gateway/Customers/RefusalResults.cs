using Credits.Gateway.RateLimits;

namespace Credits.Gateway.Customers;

/// <summary>How a refused customer command is told over HTTP: RFC 7807 problem details (400, 404, 409 or 429).</summary>
public static class RefusalResults
{
    public static IResult Problem(Refusal refusal) => refusal.Kind switch
    {
        RefusalKind.Invalid => TypedResults.ValidationProblem(
            new Dictionary<string, string[]> { [refusal.Field ?? "request"] = [refusal.Detail] }, detail: refusal.Detail, title: refusal.Title),
        RefusalKind.UnknownCustomer => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: refusal.Title, detail: refusal.Detail),
        RefusalKind.TooManyRequests => LimitProblems.TooManyRequests(refusal.Title, refusal.Detail, refusal.RetryAfter ?? TimeSpan.FromMinutes(1)),
        _ => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: refusal.Title, detail: refusal.Detail,
            extensions: refusal.InFlightOperationId is { } inFlight
                ? new Dictionary<string, object?> { ["inFlightOperationId"] = inFlight, ["inFlightOperation"] = $"/v1/operations/{inFlight}" }
                : null),
    };

    /// <summary>The problem responses a customer command can give, for the OpenAPI document.</summary>
    public static RouteHandlerBuilder ProducesRefusals(this RouteHandlerBuilder endpoint, bool conflict = true)
    {
        endpoint.ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        return conflict ? endpoint.ProducesProblem(StatusCodes.Status409Conflict) : endpoint;
    }
}
