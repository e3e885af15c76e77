using System.Security.Claims;
using Credits.Ledger;
using Credits.Persistence;
using Credits.Persistence.Operators;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using RabbitMQ.Client.Exceptions;

namespace Credits.Gateway.Console;

/// <summary>
/// /console/api operator actions on what failed: redrive dead letters, retry a saga's failed step. Each names who (the
/// operator's name in the body and the API key: "alice via console-key") and why, and leaves a row in the append-only
/// operator log (docs/audit/redrive.md).
/// </summary>
public static class RedriveApi
{
    public static RouteGroupBuilder MapRedriveApi(this RouteGroupBuilder api)
    {
        api.MapPost("/dead-letters/{queue}/redrive", Redrive)
            .WithSummary("Move one dead letter (messageId) or all of an error queue (all: true) back to the queue it failed on")
            .WithDescription("Only the console's configured queues (Console:DeadLetterQueues); a step whose saga has moved on is refused (409). " +
                "Each message is acknowledged in the error queue only after RabbitMQ confirmed its publish. reason and operator are required.");
        api.MapPost("/sagas/{sagaId:guid}/retry", Retry)
            .WithSummary("Send a failed saga's step again (same idempotency key): a GrantFailed plan change, a purchase whose grant stalled")
            .WithDescription("409 says why a saga in another state cannot be retried. Publishes RetrySagaStep. reason and operator are required.");
        return api;
    }

    public record RedriveRequest(string? MessageId, bool? All, string? Reason, string? Operator);
    public record RetryRequest(string? Reason, string? Operator);
    public record RedriveResponse(string Queue, IReadOnlyList<RedrivenMessage> Moved, string? Problem, long OperatorActionId);
    public record RetryResponse(Guid SagaId, string Saga, string State, long OperatorActionId);

    static async Task<Results<Ok<RedriveResponse>, ProblemHttpResult>> Redrive(string queue, RedriveRequest? request, ClaimsPrincipal user,
        IOptions<ConsoleOptions> options, DeadLetterRedrive redrive, OperatorActionLog log, CreditsDbContext db, CancellationToken ct)
    {
        if (!options.Value.DeadLetterQueues.Contains(queue, StringComparer.Ordinal))
            return TypedResults.Problem(statusCode: 404, title: "Unknown queue",
                detail: "Only the console's dead-letter queues (Console:DeadLetterQueues) can be redriven.");
        if (OperatorFields.Check(request?.Operator, request?.Reason) is { } invalid) return invalid;
        var messageId = request!.MessageId;
        if ((messageId is null) == (request.All != true))
            return TypedResults.Problem(statusCode: 400, title: "Invalid redrive", detail: "Give either messageId (one message) or all: true.");
        if (messageId is { Length: 0 or > 200 } || LedgerLimits.HasControlCharacters(messageId))
            return TypedResults.Problem(statusCode: 400, title: "Invalid redrive", detail: "messageId must be 1 to 200 characters, without control characters.");
        if (RedrivePolicy.WhyNot(queue) is { } why)
            return TypedResults.Problem(statusCode: 409, title: "Not redrivable", detail: $"{queue}: {why}.");

        RedriveOutcome outcome;
        try
        {
            outcome = await redrive.MoveAsync(queue, messageId, ct);
        }
        catch (BrokerUnreachableException)
        {
            return TypedResults.Problem(statusCode: 503, title: "RabbitMQ unreachable", detail: "Nothing was moved; try again once RabbitMQ is back.");
        }
        if (messageId is not null && outcome.Moved.Count == 0 && outcome.Problem is null)
            return TypedResults.Problem(statusCode: 404, title: "No such dead letter", detail: $"{queue} holds no message '{messageId}'.");

        // Logged after the move, with what was moved; a move is safe to repeat (duplicates are absorbed), a log without it is not.
        var customers = outcome.Moved.SelectMany(m => m.Usage).Select(u => u.CustomerId).Distinct().ToList();
        var entry = log.Add(OperatorFields.Actor(request.Operator!, user), OperatorActionKinds.RedriveDeadLetters, request.Reason!.Trim(),
            customers is [{ } single] ? single : null, messageId is null ? queue : $"{queue}/{messageId}",
            new { queue, messageId, all = messageId is null, outcome.Moved, outcome.Problem });
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(new RedriveResponse(queue, outcome.Moved, outcome.Problem, entry.Id));
    }

    static async Task<Results<Ok<RetryResponse>, ProblemHttpResult>> Retry(Guid sagaId, RetryRequest? request, ClaimsPrincipal user,
        SagaRetries retries, CancellationToken ct)
    {
        if (OperatorFields.Check(request?.Operator, request?.Reason) is { } invalid) return invalid;
        var result = await retries.RetryAsync(sagaId, OperatorFields.Actor(request!.Operator!, user), request.Reason!.Trim(), ct);
        if (!result.Found) return TypedResults.Problem(statusCode: 404, title: "No such saga", detail: $"No saga has the id {sagaId}.");
        if (!result.Retried)
            return TypedResults.Problem(statusCode: 409, title: "Not retryable", detail: $"The {result.Saga} saga is {result.State}: {result.Refusal}.");
        return TypedResults.Ok(new RetryResponse(sagaId, result.Saga!, result.State!, result.OperatorActionId));
    }
}
