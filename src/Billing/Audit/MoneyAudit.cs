using System.Text.Json;
using Credits.Contracts.Billing;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Credits.Billing.Audit;

/// <summary>
/// The money audit: runs every <see cref="IAuditCheck"/> over a window, stores each difference once (by fingerprint),
/// runs a new difference's safe repair once and records what it did, clears stored differences a run covers and no
/// longer finds, and publishes <see cref="AuditDifferenceFound"/> for each new one. One run at a time across every
/// instance (a PostgreSQL advisory lock); a run asked for meanwhile is recorded as skipped.
/// </summary>
public sealed class MoneyAudit(DbContext db, IEnumerable<IAuditCheck> checks, IOptions<MoneyAuditOptions> options, TimeProvider clock,
    ILogger<MoneyAudit> logger, IPublishEndpoint? publish = null)
{
    /// <summary>Advisory lock key of an audit run ("CrdAudit"): one instance at a time, the others skip.</summary>
    const long RunLock = 0x4372644175646974;

    static readonly JsonSerializerOptions EvidenceJson = new(JsonSerializerDefaults.Web);

    /// <summary>The window a scheduled run covers: the lookback up to now.</summary>
    public AuditWindow DefaultWindow()
    {
        var now = clock.GetUtcNow();
        return new AuditWindow(now - options.Value.Lookback, now);
    }

    /// <summary>
    /// Runs the audit once. <paramref name="runId"/> names a run queued by the console (its row exists); otherwise a row
    /// is made. Returns the run as stored.
    /// </summary>
    public async Task<AuditRun> RunAsync(string requestedBy, AuditWindow? window = null, Guid? runId = null, CancellationToken ct = default)
    {
        var run = await StartRunAsync(requestedBy, window ?? DefaultWindow(), runId, ct);
        if (run.Status is not AuditRunStatus.Queued) return run; // already run (a redelivered request)

        await db.Database.OpenConnectionAsync(ct);
        try
        {
            if (!await db.Database.SqlQuery<bool>($"SELECT pg_try_advisory_lock({RunLock}) AS \"Value\"").SingleAsync(ct))
            {
                logger.LogInformation("Money audit {RunId} skipped: another instance is running one", run.Id);
                return await FinishAsync(run, AuditRunStatus.Skipped, "another audit was running", ct);
            }
            try
            {
                return await RunLockedAsync(run, ct);
            }
            finally
            {
                await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_unlock({RunLock})", CancellationToken.None);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>Stored differences that need an operator (open, or a repair that failed), oldest first.</summary>
    public Task<List<AuditDifference>> WaitingForOperatorAsync(CancellationToken ct = default) =>
        db.Set<AuditDifference>().AsNoTracking()
            .Where(d => d.Status == AuditDifferenceStatus.Open || d.Status == AuditDifferenceStatus.RepairFailed)
            .OrderBy(d => d.FoundAt).ToListAsync(ct);

    async Task<AuditRun> StartRunAsync(string requestedBy, AuditWindow window, Guid? runId, CancellationToken ct)
    {
        if (runId is { } id && await db.Set<AuditRun>().SingleOrDefaultAsync(r => r.Id == id, ct) is { } queued) return queued;
        var run = new AuditRun
        {
            Id = runId ?? NewId.NextGuid(), RequestedBy = requestedBy, WindowStart = window.From, WindowEnd = window.To,
            Status = AuditRunStatus.Queued, RequestedAt = clock.GetUtcNow(),
        };
        db.Add(run);
        await db.SaveChangesAsync(ct);
        return run;
    }

    async Task<AuditRun> RunLockedAsync(AuditRun run, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        run.Status = AuditRunStatus.Running;
        run.StartedAt = now;
        await db.SaveChangesAsync(ct);

        var context = new AuditRunContext(run.Id, new AuditWindow(run.WindowStart, run.WindowEnd), now);
        var failures = new List<string>();
        var checkedKinds = new List<string>();
        foreach (var check in checks)
        {
            try
            {
                await check.RunAsync(context, ct);
                checkedKinds.AddRange(check.Kinds);
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                // One check failing (Stripe unreachable for its list) must not hide what the others found; its kinds
                // are not cleared, since it did not look.
                logger.LogError(e, "Money audit {RunId}: check {Check} failed", run.Id, check.Name);
                failures.Add($"{check.Name}: {e.Message}");
            }
        }

        var found = context.Findings.GroupBy(f => f.Fingerprint).Select(g => g.First()).ToList();
        var stored = await StoreAsync(run, found, now, ct);
        run.Cleared = await ClearAsync(run, found, checkedKinds, now, ct);
        run.Found = found.Count;
        run.New = stored.New;
        run.Repaired = stored.Repaired;
        logger.LogInformation("Money audit {RunId} over {Window}: {Found} differences, {New} new, {Repaired} repaired, {Cleared} cleared",
            run.Id, context.Window, run.Found, run.New, run.Repaired, run.Cleared);
        return await FinishAsync(run, failures.Count == checks.Count() && failures.Count > 0 ? AuditRunStatus.Failed : AuditRunStatus.Completed,
            failures.Count > 0 ? string.Join("; ", failures) : null, ct);
    }

    async Task<(int New, int Repaired)> StoreAsync(AuditRun run, List<AuditFinding> found, DateTimeOffset now, CancellationToken ct)
    {
        int created = 0, repaired = 0;
        foreach (var chunk in found.Chunk(500))
        {
            var fingerprints = chunk.Select(f => f.Fingerprint).ToList();
            var existing = await db.Set<AuditDifference>().Where(d => fingerprints.Contains(d.Fingerprint)).ToDictionaryAsync(d => d.Fingerprint, ct);
            foreach (var finding in chunk)
            {
                if (existing.TryGetValue(finding.Fingerprint, out var known))
                {
                    Seen(known, finding, now);
                    continue;
                }
                var difference = New(run, finding, now);
                db.Add(difference);
                created++;
                if (finding.Repair is not null && options.Value.RepairAutomatically && await RepairAsync(difference, finding, ct))
                    repaired++;
                if (publish is not null) await publish.Publish(Found(difference), ct);
                // Saved one by one: a repair that ran is on record before the next one starts.
                await db.SaveChangesAsync(ct);
            }
            await db.SaveChangesAsync(ct);
        }
        return (created, repaired);
    }

    /// <summary>A stored difference seen again. A repaired one that is back was not put right: it goes to an operator, never repaired twice.</summary>
    void Seen(AuditDifference known, AuditFinding finding, DateTimeOffset now)
    {
        known.LastSeenAt = now;
        known.Expected = finding.Expected;
        known.Actual = finding.Actual;
        known.Evidence = JsonSerializer.Serialize(finding.Evidence, EvidenceJson);
        switch (known.Status)
        {
            case AuditDifferenceStatus.Repaired:
                known.Status = AuditDifferenceStatus.RepairFailed;
                known.Repair = $"{known.Repair}; still found by a later run";
                break;
            case AuditDifferenceStatus.Cleared:
                known.Status = AuditDifferenceStatus.Open;
                break;
        }
    }

    async Task<bool> RepairAsync(AuditDifference difference, AuditFinding finding, CancellationToken ct)
    {
        try
        {
            difference.Repair = await finding.Repair!(ct);
            difference.Status = AuditDifferenceStatus.Repaired;
            difference.RepairedAt = clock.GetUtcNow();
            logger.LogWarning("Money audit: {Kind} {Subject} of customer {CustomerId} repaired: {Repair}",
                difference.Kind, difference.Subject, difference.CustomerId, difference.Repair);
            return true;
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            difference.Repair = $"repair failed: {e.Message}";
            difference.Status = AuditDifferenceStatus.RepairFailed;
            logger.LogError(e, "Money audit: repair of {Kind} {Subject} of customer {CustomerId} failed", difference.Kind, difference.Subject,
                difference.CustomerId);
            return false;
        }
    }

    /// <summary>Stored differences that still need someone, of a kind a check looked at, inside the window, and not found now.</summary>
    async Task<int> ClearAsync(AuditRun run, List<AuditFinding> found, List<string> checkedKinds, DateTimeOffset now, CancellationToken ct)
    {
        if (checkedKinds.Count == 0) return 0;
        var stillThere = found.Select(f => f.Fingerprint).ToHashSet();
        var settledBefore = now - options.Value.SettleTime;
        var candidates = await db.Set<AuditDifference>()
            .Where(d => (d.Status == AuditDifferenceStatus.Open || d.Status == AuditDifferenceStatus.RepairFailed)
                        && checkedKinds.Contains(d.Kind) && d.OccurredAt >= run.WindowStart && d.OccurredAt < run.WindowEnd
                        && d.OccurredAt < settledBefore)
            .ToListAsync(ct);
        var cleared = candidates.Where(d => !stillThere.Contains(d.Fingerprint)).ToList();
        foreach (var d in cleared)
        {
            d.Status = AuditDifferenceStatus.Cleared;
            d.LastSeenAt = now;
        }
        await db.SaveChangesAsync(ct);
        return cleared.Count;
    }

    async Task<AuditRun> FinishAsync(AuditRun run, string status, string? error, CancellationToken ct)
    {
        run.Status = status;
        run.Error = error;
        run.FinishedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(ct);
        return run;
    }

    static AuditDifference New(AuditRun run, AuditFinding f, DateTimeOffset now) => new()
    {
        Id = NewId.NextGuid(), Fingerprint = f.Fingerprint, Kind = f.Kind, Subject = f.Subject, CustomerId = f.CustomerId,
        StripeCustomerId = f.StripeCustomerId, Expected = f.Expected, Actual = f.Actual, OccurredAt = f.OccurredAt,
        Evidence = JsonSerializer.Serialize(f.Evidence, EvidenceJson), Status = AuditDifferenceStatus.Open, FirstRunId = run.Id,
        FoundAt = now, LastSeenAt = now,
    };

    static AuditDifferenceFound Found(AuditDifference d) => new()
    {
        DifferenceId = d.Id, RunId = d.FirstRunId, Kind = d.Kind, Subject = d.Subject, CustomerId = d.CustomerId,
        StripeCustomerId = d.StripeCustomerId, Expected = d.Expected, Actual = d.Actual, Status = d.Status, Repair = d.Repair,
        OccurredAt = d.OccurredAt, FoundAt = d.FoundAt,
    };
}
