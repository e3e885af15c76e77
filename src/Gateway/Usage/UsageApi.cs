using Credits.Contracts.Usage;
using Credits.Gateway.Authentication;
using Credits.Ledger.Results;
using Credits.Ledger.Usage;
using Credits.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Credits.Gateway.Usage;

/// <summary>
/// POST /v1/usage: up to 1,000 usage events debited at once, in one transaction with the events
/// they cause (low balance, exhausted, rejected) written to the outbox. Each event is applied,
/// acknowledged as a duplicate, or rejected with its reason; none is half-written.
/// </summary>
public static class UsageApi
{
    public const int MaxEvents = 1000;

    public static RouteGroupBuilder MapUsageApiV1(this RouteGroupBuilder v1)
    {
        v1.MapPost("/usage", RecordUsage).WithTags("Usage").RequireScope(ApiScopes.UsageWrite)
            .WithSummary("Record usage events (debited from the ledger at once)")
            .WithDescription("Idempotent on each event's eventId, for ever. The response has one result per event, in order. " +
                "Give each event's usage either in credits or as a quantity of a unit of a feature (e.g. 1250 input-token of " +
                "gpt-4o), which the rate card in effect at occurredAt prices (docs/rate-cards.md).");
        return v1;
    }

    public record UsageEvent(string? EventId, string? CustomerId, long Credits, DateTimeOffset? OccurredAt, string? Feature,
        decimal? Quantity = null, string? Unit = null, string? MemberId = null)
    {
        public UsageRecorded ToUsage() => new()
        {
            EventId = EventId ?? "", CustomerId = CustomerId ?? "", Credits = Credits,
            OccurredAt = OccurredAt ?? default, Feature = Feature, Quantity = Quantity, Unit = Unit, MemberId = MemberId,
        };
    }

    public record RecordUsageRequest(IReadOnlyList<UsageEvent?>? Events);

    /// <summary><c>charged</c>: the whole credits an applied event took (debited, overage and written off).</summary>
    public record UsageEventResult(string EventId, string Status, string? ReasonCode, string? Reason, long? Available, long? Charged = null);
    public record RecordUsageResponse(int Applied, int Duplicates, int Rejected, IReadOnlyList<UsageEventResult> Results);

    static async Task<Results<Ok<RecordUsageResponse>, ValidationProblem>> RecordUsage(RecordUsageRequest request,
        LedgerWork work, UsageIngestion ingestion, CancellationToken ct)
    {
        if (request.Events is not { Count: > 0 and <= MaxEvents } events)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["events"] = [$"between 1 and {MaxEvents} events are required, got {request.Events?.Count ?? 0}."],
            });

        if (UsageRequestCheck.Errors(events) is { Count: > 0 } errors)
            return TypedResults.ValidationProblem(errors, title: "Invalid usage events",
                detail: "Nothing was recorded: correct the events named in errors and send the request again.");

        var usage = events.Select(e => e!.ToUsage()).ToList();

        var outcomes = await work.RunAsync(async (unit, token) =>
        {
            var debited = await ingestion.DebitAsync(usage, token);
            await ingestion.PublishAsync(unit.Publish, debited, token);
            await unit.CommitAsync(token);
            return debited;
        }, ct);

        var results = outcomes.Select(o => o switch
        {
            { Rejection: { } r } => new UsageEventResult(r.EventId, "rejected", r.ReasonCode, r.Reason, null),
            { Result.Outcome: LedgerOutcome.Duplicate } => new UsageEventResult(o.Usage.EventId, "duplicate", null, null, o.Result.Account?.Available),
            _ => new UsageEventResult(o.Usage.EventId, "applied", null, null, o.Result?.Account?.Available,
                o.Result is { } r ? r.Debited + r.Overage + r.WrittenOff : null),
        }).ToList();
        return TypedResults.Ok(new RecordUsageResponse(
            results.Count(r => r.Status == "applied"),
            results.Count(r => r.Status == "duplicate"),
            results.Count(r => r.Status == "rejected"),
            results));
    }
}
