using Credits.Contracts.Customers;
using Credits.Gateway.Operations;
using Credits.Persistence.Operations;
using Credits.Sagas;
using Credits.Sagas.StateMachines;
using Microsoft.EntityFrameworkCore;

namespace Credits.Gateway.Customers;

/// <summary>What a cancellation or a resume request was answered with: the operation to follow.</summary>
public sealed record CancellationAccepted(Guid OperationId, string Mode, bool Repeated);

public sealed partial class CustomerCommands
{
    /// <summary>
    /// Publishes CancelSubscription: at the period end, or <paramref name="immediately"/> (operators). The customer's one slot
    /// is shared with plan changes: a plan change or another cancellation in flight (or scheduled) refuses it with 409 naming
    /// the operation. With an Idempotency-Key the operation id is derived from it, so a retry returns the first operation.
    /// </summary>
    public async Task<CommandResult<CancellationAccepted>> CancelSubscriptionAsync(string customerId, bool immediately, string requestedBy,
        string? idempotencyKey, CancellationToken ct = default)
    {
        if (CustomerIds.Check(customerId) is { } badId) return badId;
        if (CustomerIds.CheckIdempotencyKey(idempotencyKey, required: false) is { } badKey) return badKey;
        var mode = immediately ? CancellationModes.Now : CancellationModes.AtPeriodEnd;

        // A retry is answered with the first request's operation, even once the customer is cancelled by it.
        var operationId = idempotencyKey is null ? Guid.NewGuid() : SagaKeys.ForCancellation(customerId, idempotencyKey);
        if (await RepeatedCancellationAsync(operationId, mode, idempotencyKey, ct) is { } repeat) return repeat;

        var (customer, refusal) = await ActiveCustomerAsync(customerId, ct);
        if (refusal is not null) return refusal;

        if (await InFlightPlanChangeAsync(customer!, ct) is { } planChange)
            return Refusal.Conflict("Plan change in flight",
                $"Plan change {planChange} is in flight for customer '{customerId}'; cancel once it ends (GET /v1/operations/{planChange}).", planChange);
        if (customer!.CancellationOperationId is { } cancellation)
            return Refusal.Conflict("Cancellation in flight",
                $"Customer '{customerId}' already has cancellation {cancellation} in flight or scheduled (GET /v1/customers/{customerId}/cancellation).",
                cancellation);

        // Stored with its command in one SaveChanges: a concurrent request with the same key finds it and publishes nothing.
        var request = new OperationRequest
        {
            OperationId = operationId, Kind = OperationKinds.Cancellation, CustomerId = customerId, IdempotencyKey = idempotencyKey,
            RequestedAt = clock.GetUtcNow(), Request = RequestJson.Write(new RequestedCancellation(mode)),
        };
        var command = new CancelSubscription { OperationId = operationId, CustomerId = customerId, Immediately = immediately, RequestedBy = requestedBy };
        if (await AcceptOnceAsync(request, command, ct)) return new CancellationAccepted(operationId, mode, Repeated: false);
        return await RepeatedCancellationAsync(operationId, mode, idempotencyKey, ct)
            ?? throw new InvalidOperationException($"operation {operationId} conflicted but cannot be read");
    }

    async Task<CommandResult<CancellationAccepted>?> RepeatedCancellationAsync(Guid operationId, string mode, string? key, CancellationToken ct)
    {
        if (key is null || await FindRequestAsync(operationId, ct) is not { } earlier) return null;
        return earlier.Kind == OperationKinds.Cancellation && RequestJson.Read<RequestedCancellation>(earlier.Request)?.Mode == mode
            ? new CancellationAccepted(operationId, mode, Repeated: true)
            : Refusal.IdempotencyKeyReused(key);
    }

    /// <summary>Publishes ResumeSubscription for the cancellation scheduled at the period end; 409 when none is, or its end has begun.</summary>
    public async Task<CommandResult<CancellationAccepted>> ResumeSubscriptionAsync(string customerId, CancellationToken ct = default)
    {
        if (CustomerIds.Check(customerId) is { } badId) return badId;
        var (customer, refusal) = await ActiveCustomerAsync(customerId, ct);
        if (refusal is not null) return refusal;
        if (customer!.CancellationOperationId is not { } cancellation)
            return Refusal.Conflict("No cancellation scheduled", $"Customer '{customerId}' has no cancellation to resume.");
        var state = await db.Set<CancellationState>().AsNoTracking().Where(s => s.CorrelationId == cancellation).Select(s => s.CurrentState)
            .FirstOrDefaultAsync(ct);
        // Not started yet, or being scheduled: the saga takes the resume once it is Scheduled; refused if it is past that.
        if (state is not null and not nameof(CancellationStateMachine.Scheduled) and not nameof(CancellationStateMachine.Scheduling))
            return Refusal.Conflict("Too late to resume",
                $"Cancellation {cancellation} of customer '{customerId}' is already being carried out ({state}); it cannot be resumed.", cancellation);

        var operationId = Guid.NewGuid();
        await publish.Publish(new ResumeSubscription { OperationId = operationId, CustomerId = customerId }, ct);
        await db.SaveChangesAsync(ct);
        return new CancellationAccepted(cancellation, "resume", Repeated: false);
    }
}
