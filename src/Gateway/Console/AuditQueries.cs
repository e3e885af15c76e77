using Credits.Billing.Audit;
using Credits.Persistence;
using Credits.Persistence.Operators;
using Microsoft.EntityFrameworkCore;

namespace Credits.Gateway.Console;

/// <summary>The money audit's differences and runs, and the operator action log, as the console lists them (newest first).</summary>
public sealed class AuditQueries(CreditsDbContext db)
{
    public async Task<List<ConsoleAuditDifference>> DifferencesAsync(string? status, string? customerId, int limit, CancellationToken ct)
    {
        var query = db.Set<AuditDifference>().AsNoTracking();
        if (status is not null) query = query.Where(d => d.Status == status);
        if (customerId is not null) query = query.Where(d => d.CustomerId == customerId);
        return (await query.OrderByDescending(d => d.FoundAt).ThenBy(d => d.Id).Take(limit).ToListAsync(ct)).Select(View).ToList();
    }

    public async Task<List<ConsoleAuditRun>> RunsAsync(int limit, CancellationToken ct) =>
        (await db.Set<AuditRun>().AsNoTracking().OrderByDescending(r => r.RequestedAt).Take(limit).ToListAsync(ct)).Select(View).ToList();

    public async Task<ConsoleAuditRun?> RunAsync(Guid id, CancellationToken ct) =>
        await db.Set<AuditRun>().AsNoTracking().SingleOrDefaultAsync(r => r.Id == id, ct) is { } run ? View(run) : null;

    public Task<List<ConsoleOperatorAction>> OperatorActionsAsync(string? customerId, int limit, CancellationToken ct)
    {
        var query = db.Set<OperatorAction>().AsNoTracking();
        if (customerId is not null) query = query.Where(a => a.CustomerId == customerId);
        return query.OrderByDescending(a => a.At).ThenByDescending(a => a.Id).Take(limit)
            .Select(a => new ConsoleOperatorAction(a.Id, a.At, a.Actor, a.Action, a.CustomerId, a.Subject, a.Reason, a.Details))
            .ToListAsync(ct);
    }

    public static ConsoleAuditDifference View(AuditDifference d) => new(d.Id, d.Kind, d.Subject, d.CustomerId, d.StripeCustomerId, d.Expected,
        d.Actual, d.OccurredAt, d.Evidence, d.Status, d.Repair, d.RepairedAt, d.ResolvedBy, d.Resolution, d.ResolvedAt, d.FirstRunId, d.FoundAt,
        d.LastSeenAt);

    public static ConsoleAuditRun View(AuditRun r) => new(r.Id, r.RequestedBy, r.WindowStart, r.WindowEnd, r.Status, r.RequestedAt, r.StartedAt,
        r.FinishedAt, r.Found, r.New, r.Repaired, r.Cleared, r.Error);
}
