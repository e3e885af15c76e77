namespace Credits.Gateway.Operations;

/// <summary>What a client asked for, as stored in operation_requests.request: shown while no saga has started, and
/// compared when an Idempotency-Key comes again (the same key with other content is refused).</summary>
public sealed record RequestedPlanChange(string PlanId);

public sealed record RequestedTopUp(string PackId, long Credits, long Amount, string Currency, bool UseSavedCard);

/// <summary>A cancellation (period-end or now); followed at GET /v1/customers/{id}/cancellation, not listed among the operations.</summary>
public sealed record RequestedCancellation(string Mode);
