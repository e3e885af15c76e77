using Credits.Gateway.Authentication;
using Credits.Gateway.Customers;

namespace Credits.Gateway.Operations;

/// <summary>GET /v1/operations/{id}: a plan change or top-up, accepted, running or ended; GET /v1/operations: the newest of all.</summary>
public static class OperationsApi
{
    public static RouteGroupBuilder MapOperationsApiV1(this RouteGroupBuilder v1)
    {
        var operations = v1.MapGroup("/operations").WithTags("Operations").RequireScope(ApiScopes.Read);
        operations.MapGet("/{operationId:guid}", GetOperation)
            .WithSummary("A plan change or top-up: status (accepted, running, completed, failed, rejected, cancelled, refunded, disputed, charged-back), saga state, steps, error")
            .Produces<OperationView>().ProducesProblem(StatusCodes.Status404NotFound);
        operations.MapGet("/", ListOperations)
            .WithSummary("Plan changes and top-ups of every customer (or ?customerId=), newest first (?limit=, at most 200)")
            .Produces<IReadOnlyList<OperationView>>().ProducesValidationProblem();
        return v1;
    }

    static async Task<IResult> GetOperation(Guid operationId, OperationQueries queries, CancellationToken ct) =>
        await queries.GetOperationAsync(operationId, ct) is { } operation
            ? TypedResults.Ok(operation)
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown operation",
                detail: $"There is no plan change or top-up {operationId}.");

    static async Task<IResult> ListOperations(string? customerId, int? limit, OperationQueries queries, CancellationToken ct)
    {
        if (limit is < 1 or > OperationQueries.MaxListLimit)
            return RefusalResults.Problem(Refusal.Invalid("limit", $"limit must be between 1 and {OperationQueries.MaxListLimit}."));
        return TypedResults.Ok(await queries.ListOperationsAsync(customerId, limit ?? 50, ct));
    }
}
