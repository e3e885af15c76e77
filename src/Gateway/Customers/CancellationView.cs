using Credits.Persistence;
using Credits.Sagas.StateMachines;
using Microsoft.EntityFrameworkCore;

namespace Credits.Gateway.Customers;

/// <summary>
/// A customer's latest cancellation as GET /v1/customers/{id}/cancellation and the portal show it. <see cref="Status"/>:
/// scheduling, scheduled (ends at <see cref="EndsAt"/>, may be resumed), resuming, ending (the end path runs), cancelled,
/// resumed, failed, rejected.
/// </summary>
public sealed record CancellationView
{
    public required Guid OperationId { get; init; }
    public required string Status { get; init; }
    public required string SagaState { get; init; }
    /// <summary>period-end, now (an operator's), ended-by-stripe (after the last failed retry of a renewal), or rejected.</summary>
    public required string Mode { get; init; }
    public DateTimeOffset? EndsAt { get; init; }
    /// <summary>Stripe's cancellation reason: cancellation_requested, payment_failed...</summary>
    public string? Reason { get; init; }
    /// <summary>Plan allowance credits that lapsed at the end.</summary>
    public long AllowanceLapsed { get; init; }
    /// <summary>Why it failed or was refused (the first clause of the saga's reason; raw error texts are cut).</summary>
    public string? Error { get; init; }
    public required DateTimeOffset StartedAt { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }

    public static async Task<CancellationView?> LatestAsync(CreditsDbContext db, string customerId, CancellationToken ct) =>
        await db.Set<CancellationState>().AsNoTracking().Where(s => s.CustomerId == customerId).OrderByDescending(s => s.CreatedAt)
            .FirstOrDefaultAsync(ct) is { } row ? From(row) : null;

    public static CancellationView From(CancellationState s) => new()
    {
        OperationId = s.CorrelationId,
        Status = StatusOf(s.CurrentState),
        SagaState = s.CurrentState,
        Mode = s.Mode,
        EndsAt = s.Mode == Contracts.Customers.CancellationModes.AtPeriodEnd ? s.PeriodEnd : null,
        Reason = s.Reason,
        AllowanceLapsed = s.AllowanceLapsed,
        Error = FirstClause(s.LastError),
        StartedAt = s.CreatedAt,
        UpdatedAt = s.UpdatedAt,
    };

    static string StatusOf(string state) => state switch
    {
        nameof(CancellationStateMachine.Scheduling) => "scheduling",
        nameof(CancellationStateMachine.Scheduled) => "scheduled",
        nameof(CancellationStateMachine.Resuming) => "resuming",
        nameof(CancellationStateMachine.Cancelled) => "cancelled",
        nameof(CancellationStateMachine.Resumed) => "resumed",
        nameof(CancellationStateMachine.Failed) => "failed",
        nameof(CancellationStateMachine.RejectedState) => "rejected",
        _ => "ending",
    };

    /// <summary>The saga writes "&lt;what happened&gt;: &lt;raw error&gt;" or "... (&lt;raw error&gt;)...": only what happened is shown.</summary>
    static string? FirstClause(string? reason)
    {
        if (reason is null) return null;
        var cut = reason.IndexOfAny([':', '(', '\n']);
        return (cut < 0 ? reason : reason[..cut]).Trim();
    }
}
