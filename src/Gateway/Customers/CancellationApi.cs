using Credits.Gateway.Authentication;
using Credits.Gateway.RateLimits;
using Credits.Persistence;
using Microsoft.AspNetCore.Mvc;

namespace Credits.Gateway.Customers;

/// <summary>
/// Ending a subscription: POST /v1/customers/{id}/cancellation (at the period end; ?at=now ends it at once, for
/// operators), DELETE of it (resume before the period end), GET of it (the latest cancellation). Admin scope. The work is
/// done by the customer and cancellation sagas (docs/lifecycle/cancel-and-dunning.md).
/// </summary>
public static class CancellationApi
{
    public record CancellationAcceptedResponse(Guid OperationId, string Mode, bool Repeated);

    public static RouteGroupBuilder MapCancellationApiV1(this RouteGroupBuilder v1)
    {
        var customers = v1.MapGroup("/customers").WithTags("Customers");
        customers.MapPost("/{customerId}/cancellation", Cancel).RequireScope(ApiScopes.Admin)
            .WithSummary("Cancel the subscription at the period end (?at=now: at once, with a final prorated invoice)")
            .WithDescription("Answers 202; follow it at GET /v1/customers/{id}/cancellation. One plan change or cancellation at a time: 409 names the " +
                "one in flight. With an Idempotency-Key header a retry returns the same operation. Publishes CancelSubscription.")
            .Produces<CancellationAcceptedResponse>(StatusCodes.Status202Accepted).ProducesRefusals().LimitedPerCustomer();
        customers.MapDelete("/{customerId}/cancellation", Resume).RequireScope(ApiScopes.Admin)
            .WithSummary("Resume: undo a cancellation scheduled for the period end")
            .WithDescription("Answers 202 with the cancellation being undone; 409 when none is scheduled or its end has begun. Publishes ResumeSubscription.")
            .Produces<CancellationAcceptedResponse>(StatusCodes.Status202Accepted).ProducesRefusals().LimitedPerCustomer();
        customers.MapGet("/{customerId}/cancellation", Get).RequireScope(ApiScopes.Read)
            .WithSummary("The customer's latest cancellation and its progress")
            .Produces<CancellationView>().ProducesProblem(StatusCodes.Status404NotFound);
        return v1;
    }

    static async Task<IResult> Cancel(string customerId, string? at, [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey,
        CustomerCommands commands, CancellationToken ct)
    {
        if (at is not (null or "period-end" or "now"))
            return RefusalResults.Problem(Refusal.Invalid("at", "at must be period-end (the default) or now."));
        var result = await commands.CancelSubscriptionAsync(customerId, at == "now", "api", idempotencyKey, ct);
        return result.Value is { } accepted
            ? TypedResults.Accepted($"/v1/customers/{Uri.EscapeDataString(customerId)}/cancellation",
                new CancellationAcceptedResponse(accepted.OperationId, accepted.Mode, accepted.Repeated))
            : RefusalResults.Problem(result.Refusal!);
    }

    static async Task<IResult> Resume(string customerId, CustomerCommands commands, CancellationToken ct)
    {
        var result = await commands.ResumeSubscriptionAsync(customerId, ct);
        return result.Value is { } accepted
            ? TypedResults.Accepted($"/v1/customers/{Uri.EscapeDataString(customerId)}/cancellation",
                new CancellationAcceptedResponse(accepted.OperationId, accepted.Mode, accepted.Repeated))
            : RefusalResults.Problem(result.Refusal!);
    }

    static async Task<IResult> Get(string customerId, CreditsDbContext db, CancellationToken ct) =>
        await CancellationView.LatestAsync(db, customerId, ct) is { } view
            ? TypedResults.Ok(view)
            : TypedResults.Problem(statusCode: 404, title: "No cancellation", detail: $"Customer '{customerId}' has no cancellation.");
}
