using Credits.Contracts.Operators;
using Credits.Persistence;
using Credits.Persistence.Operators;
using Credits.Sagas;
using Credits.Sagas.StateMachines;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace Credits.Gateway.Console;

/// <summary>
/// An operator's retry of a failed or stalled saga step: finds the saga, refuses what <see cref="SagaRetry"/> says cannot
/// be retried, else publishes <see cref="RetrySagaStep"/> through the bus outbox in the same SaveChanges as the operator
/// log row (both commit or neither). The saga is the judge: it acts only in a retryable state, so a retry that races a
/// state change does nothing.
/// </summary>
public sealed class SagaRetries(CreditsDbContext db, IPublishEndpoint publish, OperatorActionLog log)
{
    public async Task<SagaRetryResult> RetryAsync(Guid sagaId, string actor, string reason, CancellationToken ct)
    {
        var (saga, state, customerId, refusal) = await FindAsync(sagaId, ct);
        if (saga is null) return SagaRetryResult.NotFound;
        if ((refusal ?? SagaRetry.WhyNot(saga, state!)) is { } why) return SagaRetryResult.Refused(saga, state!, why);

        await publish.Publish(new RetrySagaStep { SagaId = sagaId, RequestedBy = actor, Reason = reason }, ct);
        var entry = log.Add(actor, OperatorActionKinds.RetrySagaStep, reason, customerId, $"{saga}/{sagaId}", new { saga, sagaId, state });
        await db.SaveChangesAsync(ct);
        return SagaRetryResult.Sent(saga, state!, entry.Id);
    }

    async Task<(string? Saga, string? State, string? CustomerId, string? Refusal)> FindAsync(Guid id, CancellationToken ct)
    {
        if (await db.Set<PlanChangeState>().AsNoTracking().FirstOrDefaultAsync(p => p.CorrelationId == id, ct) is { } change)
            return (PlanChangeStateMachine.SagaName, change.CurrentState, change.CustomerId, await PlanChangeRefusalAsync(change, ct));
        if (await db.Set<TopUpState>().AsNoTracking().FirstOrDefaultAsync(t => t.CorrelationId == id, ct) is { } purchase)
            return (TopUpStateMachine.SagaName, purchase.CurrentState, purchase.CustomerId, null);
        if (await db.Set<CustomerLifecycleState>().AsNoTracking().FirstOrDefaultAsync(c => c.CorrelationId == id, ct) is { } customer)
            return (CustomerLifecycleStateMachine.SagaName, customer.CurrentState, customer.CustomerId, null);
        return (null, null, null, null);
    }

    /// <summary>
    /// What the state alone cannot tell about a GrantFailed change: a later change for the customer has begun since (the
    /// grant would move the ledger to a plan the customer has left), or the change failed before its allowance was kept.
    /// </summary>
    async Task<string?> PlanChangeRefusalAsync(PlanChangeState change, CancellationToken ct)
    {
        if (change.CurrentState != "GrantFailed") return null;
        if (change.FailedGrantAllowance is null)
            return "the change failed before Credits kept the failed grant's allowance: grant the credits by hand";
        var customer = await db.Set<CustomerLifecycleState>().AsNoTracking()
            .FirstOrDefaultAsync(c => c.CorrelationId == SagaKeys.ForCustomer(change.CustomerId), ct);
        if (customer?.PlanChangeOperationId is { } inFlight && inFlight != change.CorrelationId)
            return $"another plan change ({inFlight}) is in flight for the customer";
        if (customer?.LastPlanChangeOperationId is { } latest && latest != change.CorrelationId)
            return $"a later plan change ({latest}) began for the customer: this one's grant would move the ledger to a plan the customer has left";
        return null;
    }
}

/// <summary>Outcome of a retry request. <see cref="Found"/> false: no saga has that id.</summary>
public sealed record SagaRetryResult(bool Found, bool Retried, string? Saga, string? State, string? Refusal, long OperatorActionId)
{
    public static readonly SagaRetryResult NotFound = new(false, false, null, null, null, 0);
    public static SagaRetryResult Refused(string saga, string state, string why) => new(true, false, saga, state, why, 0);
    public static SagaRetryResult Sent(string saga, string state, long operatorActionId) => new(true, true, saga, state, null, operatorActionId);
}
