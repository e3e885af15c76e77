using Credits.Billing.Audit;
using Credits.Contracts.Billing;
using Credits.Messaging;
using Credits.Persistence;
using Credits.Persistence.Operators;
using MassTransit;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Credits.Gateway.Console;

/// <summary>
/// What an operator does about the money audit: resolve a difference, or ask for a run now. Each commits with its
/// operator log row (and, for a run, the <see cref="RunMoneyAudit"/> command through the outbox) in one transaction.
/// </summary>
public sealed class AuditActions(CreditsDbContext db, OperatorActionLog log, IPublishEndpoint publish, IOptions<MoneyAuditOptions> options,
    TimeProvider clock)
{
    /// <summary>
    /// Marks a difference resolved, once: the status changes only where it is not resolved yet (one conditional
    /// UPDATE, so two operators resolving at once cannot both succeed), and only then is the action logged.
    /// Any other status may be resolved (an open one, a failed repair, or a repaired or cleared one an operator
    /// wants to close with a word).
    /// </summary>
    public async Task<Results<Ok<ConsoleAuditDifference>, ProblemHttpResult>> ResolveAsync(Guid id, ResolveDifferenceRequest request,
        string actor, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var changed = await db.Set<AuditDifference>()
            .Where(d => d.Id == id && d.Status != AuditDifferenceStatus.Resolved)
            .ExecuteUpdateAsync(s => s
                .SetProperty(d => d.Status, AuditDifferenceStatus.Resolved)
                .SetProperty(d => d.ResolvedBy, actor)
                .SetProperty(d => d.ResolvedAt, now)
                .SetProperty(d => d.Resolution, request.Resolution), ct);
        var difference = await db.Set<AuditDifference>().AsNoTracking().SingleOrDefaultAsync(d => d.Id == id, ct);
        if (difference is null)
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown audit difference",
                detail: $"There is no audit difference '{id}'.");
        if (changed == 0)
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Already resolved",
                detail: $"The difference was resolved by {difference.ResolvedBy} at {difference.ResolvedAt:O}: {difference.Resolution}");

        log.Add(actor, OperatorActionKinds.ResolveAuditDifference, request.Reason!, difference.CustomerId, difference.Id.ToString(),
            new { difference.Kind, difference.Subject, request.Resolution, request.Operator });
        await db.SaveAndCommitAsync(transaction, ct);
        return TypedResults.Ok(AuditQueries.View(difference));
    }

    /// <summary>
    /// Stores a queued run and sends it to the Orchestrator (<see cref="RunMoneyAudit"/>, through the outbox, so the run
    /// row and the command commit together). One Orchestrator runs it; a run asked for while another runs is skipped.
    /// </summary>
    public async Task<Results<Accepted<ConsoleAuditRun>, ProblemHttpResult>> QueueRunAsync(RunAuditRequest request, string actor,
        CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var from = request.From ?? now - options.Value.Lookback;
        var to = request.To ?? now;
        if (from >= to)
            return OperatorFields.Invalid("from", "from must be before to.");
        if (to - from > MaxWindow)
            return OperatorFields.Invalid("from", $"The window may span at most {MaxWindow.TotalDays:N0} days.");

        var run = new AuditRun
        {
            Id = NewId.NextGuid(), RequestedBy = actor, WindowStart = from, WindowEnd = to, Status = AuditRunStatus.Queued, RequestedAt = now,
        };
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        db.Add(run);
        log.Add(actor, OperatorActionKinds.RunAudit, request.Reason!, subject: run.Id.ToString(),
            details: new { windowStart = from, windowEnd = to, request.Operator });
        await publish.Publish(new RunMoneyAudit { RunId = run.Id, WindowStart = from, WindowEnd = to, RequestedBy = actor }, ct);
        await db.SaveAndCommitAsync(transaction, ct);
        return TypedResults.Accepted($"/console/api/audit/runs/{run.Id}", AuditQueries.View(run));
    }

    /// <summary>The longest window the configuration accepts for the schedule's lookback (MoneyAuditOptions).</summary>
    static readonly TimeSpan MaxWindow = TimeSpan.FromDays(400);
}
