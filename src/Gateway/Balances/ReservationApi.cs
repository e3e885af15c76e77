using Credits.Contracts.Customers;
using Credits.Gateway.Authentication;
using Credits.Ledger;
using Credits.Ledger.Commands;
using Credits.Ledger.Results;
using Credits.Persistence;
using Microsoft.AspNetCore.Mvc;

namespace Credits.Gateway.Balances;

/// <summary>
/// Reservations for work that must not start without credits: reserve (atomic check-and-hold),
/// then settle with the actual amount or release. Reserving needs an Idempotency-Key header, so a
/// retried request never holds twice; settling and releasing are idempotent per reservation.
/// </summary>
public static class ReservationApi
{
    public static RouteGroupBuilder MapReservationApiV1(this RouteGroupBuilder v1)
    {
        var reservations = v1.MapGroup("/customers/{customerId}/reservations").WithTags("Reservations").RequireScope(ApiScopes.UsageWrite);
        // IResult answers: the document learns their shape from these (the SDKs' types are generated from it).
        reservations.MapPost("/", Reserve).WithSummary("Hold credits for a time-to-live (refused when not enough are available)")
            .Produces<ReservationResponse>(StatusCodes.Status201Created).Produces<ReservationResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        reservations.MapPost("/{reservationId:guid}/settle", Settle).WithSummary("End a reservation with the credits actually used")
            .Produces<ReservationResponse>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        reservations.MapPost("/{reservationId:guid}/release", Release).WithSummary("End a reservation without spending")
            .Produces<ReservationResponse>().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        return v1;
    }

    public record ReserveRequest(long Credits, int TimeToLiveSeconds = 300);
    public record SettleRequest(long ActualCredits);
    public record ReservationResponse(Guid? ReservationId, string Outcome, long Held, long Debited, long Available);

    static async Task<IResult> Reserve(string customerId, ReserveRequest request,
        [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey, LedgerWork work,
        CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(idempotencyKey))
            return TypedResults.Problem(statusCode: 400, title: "Idempotency-Key required",
                detail: "Send an Idempotency-Key header so a retried reservation never holds credits twice.");
        // The same bound as every other Idempotency-Key (the generated requests found reservations took any length).
        if (Customers.CustomerIds.CheckIdempotencyKey(idempotencyKey, required: true) is { } badKey)
            return Customers.RefusalResults.Problem(badKey);
        if (request.Credits > LedgerLimits.MaxCredits)
            return OutOfRange("credits");
        if (request.TimeToLiveSeconds is < 1 or > 86_400)
            return TypedResults.Problem(statusCode: 400, title: "Invalid time-to-live", detail: "timeToLiveSeconds must be between 1 and 86400.");

        return await ApplyAsync(work, new ReserveCredits
        {
            CustomerId = customerId, IdempotencyKey = CustomerScopedKey.Of("reserve", customerId, idempotencyKey),
            FormerIdempotencyKey = $"reserve:{customerId}:{idempotencyKey}", // a reservation made before keys were scoped
            Credits = request.Credits, TimeToLive = TimeSpan.FromSeconds(request.TimeToLiveSeconds),
        }, created: true, ct);
    }

    static Task<IResult> Settle(string customerId, Guid reservationId, SettleRequest request, LedgerWork work, CancellationToken ct) =>
        request.ActualCredits > LedgerLimits.MaxCredits ? Task.FromResult(OutOfRange("actualCredits")) : ApplyAsync(work, new SettleReservation
        {
            CustomerId = customerId, IdempotencyKey = $"settle:{reservationId}", ReservationId = reservationId,
            ActualCredits = request.ActualCredits,
        }, created: false, ct);

    static Task<IResult> Release(string customerId, Guid reservationId, LedgerWork work, CancellationToken ct) =>
        ApplyAsync(work, new ReleaseReservation
        {
            CustomerId = customerId, IdempotencyKey = $"release:{reservationId}", ReservationId = reservationId,
        }, created: false, ct);

    static IResult OutOfRange(string field) => Customers.RefusalResults.Problem(
        Customers.Refusal.Invalid(field, $"{field} must be at most {LedgerLimits.MaxCredits:N0} credits."));

    /// <summary>One ledger command and the notifications it causes, committed together.</summary>
    static async Task<IResult> ApplyAsync(LedgerWork work, LedgerCommand command, bool created, CancellationToken ct)
    {
        var result = await work.ApplyAsync(command, ct);

        if (!result.Succeeded) return LedgerResults.Problem(result);
        var body = new ReservationResponse(result.ReservationId, result.Outcome == LedgerOutcome.Duplicate ? "duplicate" : "applied",
            result.Held, result.Debited + result.Overage + result.WrittenOff, result.Account?.Available ?? 0);
        return created && result.Outcome == LedgerOutcome.Applied
            ? TypedResults.Created($"/v1/customers/{command.CustomerId}/reservations/{result.ReservationId}", body)
            : TypedResults.Ok(body);
    }
}
