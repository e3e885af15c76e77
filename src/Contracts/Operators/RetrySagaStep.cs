namespace Credits.Contracts.Operators;

/// <summary>
/// An operator asks a saga to send its failed step again (the console's "Retry"). Correlated by the saga's id; only a
/// saga in a state where repeating its step is safe acts on it (the step keeps its idempotency key, so the ledger and
/// Stripe never apply it twice). In any other state the saga ignores it.
/// </summary>
public record RetrySagaStep
{
    public Guid SagaId { get; init; }
    /// <summary>Who asked: "alice via console-key".</summary>
    public string RequestedBy { get; init; } = "";
    public string Reason { get; init; } = "";
}
