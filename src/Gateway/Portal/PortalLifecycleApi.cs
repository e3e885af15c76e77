using System.Security.Claims;
using Credits.Gateway.Customers;
using Credits.Gateway.RateLimits;
using Credits.Persistence;
using Microsoft.AspNetCore.Mvc;

namespace Credits.Gateway.Portal;

/// <summary>
/// The portal's subscription block (portal-lifecycle.js): whether a cancellation is scheduled, whether the subscription
/// has ended, and a past-due renewal with Stripe's page to pay it; "Cancel plan" (at the period end; the immediate
/// cancel is for operators only) and "Resume". The same CustomerCommands as /v1, for the customer the token names.
/// </summary>
public static class PortalLifecycleApi
{
    public record PortalLifecycle(string State, string PlanId, DateTimeOffset? PeriodEnd, Guid? CancellationInFlight, DateTimeOffset? CancelAt,
        DateTimeOffset? CancelledAt, PastDueView? PastDue, CancellationView? Cancellation);

    public static RouteGroupBuilder MapPortalLifecycleApi(this RouteGroupBuilder api)
    {
        api.MapGet("/lifecycle", Get).WithSummary("The subscription: cancellation scheduled or done, a past-due renewal and its payment page");
        api.MapPost("/cancellation", Cancel).WithSummary("Cancel the plan at the period end; Idempotency-Key recommended").LimitedPerCustomer();
        api.MapDelete("/cancellation", Resume).WithSummary("Resume: undo the cancellation before the period end").LimitedPerCustomer();
        return api;
    }

    static async Task<IResult> Get(ClaimsPrincipal user, CustomerQueries customers, CreditsDbContext db, CancellationToken ct)
    {
        var customerId = PortalTokenAuthenticationHandler.Customer(user);
        if (await customers.FindAsync(customerId, ct) is not { } row) return RefusalResults.Problem(Refusal.UnknownCustomer(customerId));
        var view = CustomerQueries.ToView(row, null);
        return TypedResults.Ok(new PortalLifecycle(view.State, view.PlanId, view.Period?.End, view.CancellationInFlight, view.CancelAt, view.CancelledAt,
            view.PastDue, await CancellationView.LatestAsync(db, customerId, ct)));
    }

    static async Task<IResult> Cancel([FromHeader(Name = "Idempotency-Key")] string? idempotencyKey, ClaimsPrincipal user, CustomerCommands commands,
        CancellationToken ct)
    {
        var customerId = PortalTokenAuthenticationHandler.Customer(user);
        var result = await commands.CancelSubscriptionAsync(customerId, immediately: false, "portal", idempotencyKey, ct);
        return result.Value is { } accepted ? TypedResults.Accepted("/portal/api/lifecycle", accepted) : RefusalResults.Problem(result.Refusal!);
    }

    static async Task<IResult> Resume(ClaimsPrincipal user, CustomerCommands commands, CancellationToken ct)
    {
        var result = await commands.ResumeSubscriptionAsync(PortalTokenAuthenticationHandler.Customer(user), ct);
        return result.Value is { } accepted ? TypedResults.Accepted("/portal/api/lifecycle", accepted) : RefusalResults.Problem(result.Refusal!);
    }
}
