using System.Diagnostics;
using Credits.Contracts.Diagnostics;
using Credits.Gateway.Authentication;
using Credits.Gateway.Balances;
using Credits.Gateway.RateLimits;
using Credits.Ledger;
using Credits.Persistence;
using MassTransit;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Credits.Gateway.Apis;

/// <summary>
/// A round trip through every part of the system (Gateway -> RabbitMQ -> Orchestrator -> PostgreSQL
/// -> Gateway), for smoke tests and operators checking a deployment; and this instance's open balance streams.
/// </summary>
public static class DiagnosticsApi
{
    public static RouteGroupBuilder MapDiagnosticsApiV1(this RouteGroupBuilder v1)
    {
        var api = v1.MapGroup("/diagnostics").WithTags("Diagnostics").RequireScope(ApiScopes.Operator);
        api.MapPost("/round-trips", StartRoundTrip)
            .WithSummary("Publish a round trip for the Orchestrator to store");
        api.MapGet("/round-trips/{id:guid}", GetRoundTrip)
            .WithSummary("A round trip, once the Orchestrator has stored it");
        api.MapGet("/balance-streams", GetBalanceStreams)
            .WithSummary("Balance streams open on this Gateway instance, the customers they are for, and the caps");
        return v1;
    }

    public record StartRoundTripRequest(string Text);

    public record RoundTripAccepted(Guid Id, string TraceId);

    public record RoundTripResponse(Guid Id, string Text, DateTimeOffset RequestedAt, DateTimeOffset CompletedAt, string? TraceId);

    static async Task<Results<Accepted<RoundTripAccepted>, ValidationProblem>> StartRoundTrip(
        StartRoundTripRequest request, CreditsDbContext db, IPublishEndpoint publish, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.Text) || request.Text.Length > 1000 || LedgerLimits.HasControlCharacters(request.Text))
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["text"] = ["text is required: at most 1000 characters, without control characters."],
            });

        var id = NewId.NextGuid();
        await publish.Publish(new RoundTripRequested { RoundTripId = id, Text = request.Text, RequestedAt = clock.GetUtcNow() }, cancellationToken);
        // The bus outbox holds the message in the DbContext: it is stored now and relayed after the commit.
        await db.SaveChangesAsync(cancellationToken);
        var trace = Activity.Current?.TraceId.ToString() ?? "";
        return TypedResults.Accepted($"/v1/diagnostics/round-trips/{id}", new RoundTripAccepted(id, trace));
    }

    public record BalanceStreamsResponse(int Streams, int Customers, int PerCustomerLimit, int TotalLimit);

    static Ok<BalanceStreamsResponse> GetBalanceStreams(BalanceChangeListener listener, IOptionsMonitor<RateLimitOptions> limits) =>
        TypedResults.Ok(new BalanceStreamsResponse(listener.Streams, listener.Customers,
            limits.CurrentValue.BalanceStreams.PerCustomer, limits.CurrentValue.BalanceStreams.Total));

    static async Task<Results<Ok<RoundTripResponse>, NotFound>> GetRoundTrip(Guid id, CreditsDbContext db, CancellationToken cancellationToken)
    {
        var trip = await db.RoundTrips.AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, cancellationToken);
        return trip is null
            ? TypedResults.NotFound()
            : TypedResults.Ok(new RoundTripResponse(trip.Id, trip.Text, trip.RequestedAt, trip.CompletedAt, trip.TraceId));
    }
}
