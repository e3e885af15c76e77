using Credits.Gateway.Authentication;
using Credits.Gateway.Operations;
using Credits.Gateway.RateLimits;
using Microsoft.AspNetCore.Mvc;

namespace Credits.Gateway.Customers;

/// <summary>
/// Customers and their plan: POST /v1/customers (RegisterCustomer), GET /v1/customers/{id},
/// POST /v1/customers/{id}/plan (ChangePlan), GET /v1/customers/{id}/operations. The work is done by the sagas;
/// these answer at once with what was accepted and where to follow it.
/// </summary>
public static class CustomersApi
{
    public static RouteGroupBuilder MapCustomersApiV1(this RouteGroupBuilder v1)
    {
        var customers = v1.MapGroup("/customers").WithTags("Customers");
        customers.MapPost("/", Register).RequireScope(ApiScopes.Admin)
            .WithSummary("Register a customer (Stripe customer and subscription on the plan)")
            .WithDescription("Idempotent on customerId: 202 + Location while the registration runs, 200 with the customer once it is active. " +
                "planId defaults to the catalog's default plan. Publishes RegisterCustomer.")
            .Produces<CustomerView>().Produces<CustomerAccepted>(StatusCodes.Status202Accepted).ProducesRefusals();
        customers.MapGet("/{customerId}", GetCustomer).RequireScope(ApiScopes.Read)
            .WithSummary("A customer: registration state, plan, subscription, period, balance, the plan change in flight")
            .Produces<CustomerView>().ProducesProblem(StatusCodes.Status404NotFound);
        customers.MapPost("/{customerId}/plan", ChangePlan).RequireScope(ApiScopes.Admin)
            .WithSummary("Change the customer's plan (upgrades now, prorated; downgrades at the period end)")
            .WithDescription("Answers 202 with the operation to follow at /v1/operations/{id}. One change at a time: 409 names the change in flight. " +
                "With an Idempotency-Key header a retry returns the same operation and publishes nothing. Publishes ChangePlan.")
            .Produces<OperationAcceptedResponse>(StatusCodes.Status202Accepted).ProducesRefusals().LimitedPerCustomer();
        customers.MapGet("/{customerId}/operations", ListOperations).RequireScope(ApiScopes.Read)
            .WithSummary("The customer's plan changes and top-ups, newest first (?limit=, at most 200)")
            .Produces<IReadOnlyList<OperationView>>().ProducesProblem(StatusCodes.Status404NotFound).ProducesValidationProblem();
        return v1;
    }

    public record RegisterCustomerRequest(string? CustomerId, string? Email, string? Name, string? PlanId);
    public record CustomerAccepted(string CustomerId, string State, CustomerView? Customer);
    public record ChangePlanRequest(string? PlanId);
    public record OperationAcceptedResponse(Guid OperationId, string Status, string? SagaState, bool Repeated);

    static async Task<IResult> Register(RegisterCustomerRequest request, CustomerCommands commands, CancellationToken ct)
    {
        var result = await commands.RegisterAsync(request.CustomerId, request.Email, request.Name, request.PlanId, ct);
        if (result.Refusal is { } refusal) return RefusalResults.Problem(refusal);
        var registration = result.Value!;
        var location = $"/v1/customers/{Uri.EscapeDataString(registration.CustomerId)}";
        return registration.Status == RegistrationStatus.AlreadyRegistered
            ? TypedResults.Ok(registration.Customer)
            : TypedResults.Accepted(location, new CustomerAccepted(registration.CustomerId, CustomerStates.Registering, registration.Customer));
    }

    static async Task<IResult> GetCustomer(string customerId, CustomerQueries queries, CancellationToken ct) =>
        await queries.GetCustomerAsync(customerId, ct) is { } customer
            ? TypedResults.Ok(customer)
            : RefusalResults.Problem(Refusal.UnknownCustomer(customerId));

    static async Task<IResult> ChangePlan(string customerId, ChangePlanRequest request,
        [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey, CustomerCommands commands, OperationQueries operations,
        CancellationToken ct)
    {
        var result = await commands.ChangePlanAsync(customerId, request.PlanId, idempotencyKey, ct);
        if (result.Refusal is { } refusal) return RefusalResults.Problem(refusal);
        var accepted = result.Value!;
        var now = await operations.GetOperationAsync(accepted.OperationId, ct);
        return TypedResults.Accepted($"/v1/operations/{accepted.OperationId}",
            new OperationAcceptedResponse(accepted.OperationId, now?.Status ?? OperationStatuses.Accepted, now?.SagaState, accepted.Repeated));
    }

    static async Task<IResult> ListOperations(string customerId, int? limit, CustomerQueries customers, OperationQueries operations,
        CancellationToken ct)
    {
        if (limit is < 1 or > OperationQueries.MaxListLimit)
            return RefusalResults.Problem(Refusal.Invalid("limit", $"limit must be between 1 and {OperationQueries.MaxListLimit}."));
        if (await customers.FindAsync(customerId, ct) is null) return RefusalResults.Problem(Refusal.UnknownCustomer(customerId));
        return TypedResults.Ok(await operations.ListOperationsAsync(customerId, limit ?? 50, ct));
    }
}
