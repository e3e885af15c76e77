using Credits.Gateway.Customers;

namespace Credits.Gateway.Problems;

/// <summary>
/// Every /v1 endpoint that names a customer (in its route or as ?customerId=) checks the id before it reaches the
/// database: a NUL or another control character would otherwise fail inside PostgreSQL and answer 500.
/// </summary>
sealed class CustomerIdFilter : IEndpointFilter
{
    const string Name = "customerId";

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var request = context.HttpContext.Request;
        var id = request.RouteValues.TryGetValue(Name, out var routeValue) ? routeValue as string
            : request.Query.TryGetValue(Name, out var queryValue) ? queryValue.ToString()
            : null;
        return id is not null && CustomerIds.Check(id) is { } refusal
            ? ValueTask.FromResult<object?>(RefusalResults.Problem(refusal))
            : next(context);
    }
}
