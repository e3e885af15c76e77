using Credits.Contracts.PlanChanges;
using Credits.Gateway.Operations;
using Credits.Persistence.Operations;
using Credits.Sagas;
using Credits.Sagas.StateMachines;
using Microsoft.EntityFrameworkCore;

namespace Credits.Gateway.Customers;

public sealed partial class CustomerCommands
{
    /// <summary>
    /// How long an accepted plan change that no saga has picked up yet counts as in flight. It only turns a quick
    /// second request into an immediate 409; the customer saga still rejects it if it gets through. Bounded so that
    /// a request the Orchestrator never records cannot block the customer for ever.
    /// </summary>
    public static readonly TimeSpan UnstartedPlanChangeWindow = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Publishes ChangePlan. One change per customer at a time (docs/sagas.md): a second while one is in flight is
    /// refused with the in-flight operation's id. With an Idempotency-Key the operation id is derived from it, so
    /// a retry returns the first operation and publishes nothing.
    /// </summary>
    public async Task<CommandResult<PlanChangeAccepted>> ChangePlanAsync(string customerId, string? planId, string? idempotencyKey,
        CancellationToken ct = default)
    {
        if (CustomerIds.Check(customerId) is { } badId) return badId;
        if (CustomerIds.CheckIdempotencyKey(idempotencyKey, required: false) is { } badKey) return badKey;
        if (string.IsNullOrEmpty(planId)) return Refusal.Invalid("planId", "planId is required.");
        if (catalog.Plan(planId) is null) return UnknownPlan(planId);

        var (customer, refusal) = await ActiveCustomerAsync(customerId, ct);
        if (refusal is not null) return refusal;

        var operationId = OperationIds.ForPlanChange(customerId, idempotencyKey);
        if (await RepeatedPlanChangeAsync(customerId, operationId, planId, idempotencyKey, ct) is { } repeat) return repeat;

        if (await InFlightPlanChangeAsync(customer!, ct) is { } inFlight)
            return Refusal.Conflict("Plan change in flight",
                $"Plan change {inFlight} is in flight for customer '{customerId}'; wait until it ends (GET /v1/operations/{inFlight}).", inFlight);
        // The slot is shared with cancellations (docs/lifecycle/cancel-and-dunning.md).
        if (customer!.CancellationOperationId is { } cancellation)
            return Refusal.Conflict("Cancellation in flight",
                $"Customer '{customerId}' has cancellation {cancellation} in flight or scheduled; resume the subscription before changing plan.", cancellation);
        if (customer!.PlanId == planId)
            return Refusal.Conflict("Already on this plan", $"Customer '{customerId}' is already on '{planId}'.");

        var request = new OperationRequest
        {
            OperationId = operationId, Kind = OperationKinds.PlanChange, CustomerId = customerId, IdempotencyKey = idempotencyKey,
            RequestedAt = clock.GetUtcNow(), Request = RequestJson.Write(new RequestedPlanChange(planId)),
        };
        if (await AcceptOnceAsync(request, new ChangePlan { OperationId = operationId, CustomerId = customerId, NewPlanId = planId }, ct))
            return new PlanChangeAccepted(operationId, planId, Repeated: false);
        return await RepeatedPlanChangeAsync(customerId, operationId, planId, idempotencyKey, ct)
            ?? throw new InvalidOperationException($"operation {operationId} conflicted but cannot be read");
    }

    async Task<CommandResult<PlanChangeAccepted>?> RepeatedPlanChangeAsync(string customerId, Guid operationId, string planId, string? key,
        CancellationToken ct)
    {
        if (key is null
            || await FindRepeatedAsync(operationId, SagaKeys.Former.ForPlanChange(customerId, key), customerId, key, ct) is not { } earlier)
            return null;
        return earlier.Kind == OperationKinds.PlanChange && RequestJson.Read<RequestedPlanChange>(earlier.Request)?.PlanId == planId
            ? new PlanChangeAccepted(earlier.OperationId, planId, Repeated: true)
            : Refusal.IdempotencyKeyReused(key);
    }

    /// <summary>The change holding the customer's slot, or one accepted recently that no saga has started yet.</summary>
    async Task<Guid?> InFlightPlanChangeAsync(CustomerLifecycleState customer, CancellationToken ct)
    {
        if (customer.PlanChangeOperationId is { } held) return held;
        var since = clock.GetUtcNow() - UnstartedPlanChangeWindow;
        return await db.Set<OperationRequest>().AsNoTracking()
            .Where(r => r.CustomerId == customer.CustomerId && r.Kind == OperationKinds.PlanChange && r.RequestedAt > since
                && !db.Set<PlanChangeState>().Any(s => s.CorrelationId == r.OperationId))
            .OrderByDescending(r => r.RequestedAt)
            .Select(r => (Guid?)r.OperationId)
            .FirstOrDefaultAsync(ct);
    }
}
