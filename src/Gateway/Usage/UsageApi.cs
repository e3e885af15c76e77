using Credits.Contracts.Usage;
using Credits.Ledger;
using Credits.Ledger.Commands;
using Credits.Ledger.Results;
using Credits.Ledger.Usage;
using Credits.Persistence;
using MassTransit;
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
        v1.MapPost("/usage", RecordUsage).WithTags("Usage")
            .WithSummary("Record usage events (debited from the ledger at once)")
            .WithDescription("Idempotent on each event's eventId, for ever. The response has one result per event, in order.");
        return v1;
    }

    public record UsageEvent(string? EventId, string? CustomerId, long Credits, DateTimeOffset? OccurredAt, string? Feature);
    public record RecordUsageRequest(IReadOnlyList<UsageEvent>? Events);
    public record UsageEventResult(string EventId, string Status, string? ReasonCode, string? Reason, long? Available);
    public record RecordUsageResponse(int Applied, int Duplicates, int Rejected, IReadOnlyList<UsageEventResult> Results);

    static UsageEventResult Rejected(UsageRejected rejection) =>
        new(rejection.EventId, "rejected", rejection.ReasonCode, rejection.Reason, null);

    static async Task<Results<Ok<RecordUsageResponse>, ValidationProblem>> RecordUsage(RecordUsageRequest request,
        CreditsDbContext db, CreditLedger ledger, IPublishEndpoint publish, TimeProvider clock, CancellationToken ct)
    {
        if (request.Events is not { Count: > 0 and <= MaxEvents } events)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["events"] = [$"between 1 and {MaxEvents} events are required, got {request.Events?.Count ?? 0}."],
            });

        var usage = events.Select(e => new UsageRecorded
        {
            EventId = e.EventId ?? "", CustomerId = e.CustomerId ?? "", Credits = e.Credits,
            OccurredAt = e.OccurredAt ?? default, Feature = e.Feature,
        }).ToList();

        var now = clock.GetUtcNow();
        var results = new UsageEventResult[usage.Count];
        var rejections = new List<UsageRejected>();
        var debits = new List<(int Index, DebitCredits Debit)>();
        for (var i = 0; i < usage.Count; i++)
        {
            if (UsageDebits.Malformed(usage[i]) is { } problem)
            {
                var rejection = UsageDebits.Rejected(usage[i], UsageRejectionCodes.Invalid, problem, now);
                rejections.Add(rejection);
                results[i] = Rejected(rejection);
            }
            else debits.Add((i, UsageDebits.ToDebit(usage[i])));
        }

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var applied = await ledger.DebitBatchAsync(debits.Select(d => d.Debit).ToList(), ct);
        for (var j = 0; j < applied.Count; j++)
        {
            var (index, result) = (debits[j].Index, applied[j]);
            foreach (var notification in result.BalanceNotifications(now))
                await publish.Publish(notification, notification.GetType(), ct);
            if (UsageDebits.Rejection(usage[index], result, now) is { } rejection)
            {
                rejections.Add(rejection);
                results[index] = Rejected(rejection);
            }
            else
                results[index] = new UsageEventResult(usage[index].EventId,
                    result.Outcome == LedgerOutcome.Duplicate ? "duplicate" : "applied", null, null, result.Account?.Available);
        }
        // Rejections are published too, so an operator sees every event that was not applied.
        foreach (var rejection in rejections) await publish.Publish(rejection, ct);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);

        return TypedResults.Ok(new RecordUsageResponse(
            results.Count(r => r.Status == "applied"),
            results.Count(r => r.Status == "duplicate"),
            results.Count(r => r.Status == "rejected"),
            results));
    }
}
