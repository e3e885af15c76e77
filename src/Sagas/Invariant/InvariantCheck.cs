using Credits.Contracts.PlanChanges;

namespace Credits.Sagas.Invariant;

/// <summary>Whether a subscription's items match its plan, and the update that would make them match.</summary>
public sealed record InvariantCheck(bool Holds, IReadOnlyList<SubscriptionItemChange> Repair);
