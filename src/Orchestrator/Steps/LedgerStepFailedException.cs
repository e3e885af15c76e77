using Credits.Ledger.Results;

namespace Credits.Orchestrator.Steps;

/// <summary>
/// A ledger write a saga step needs was refused (conflict, invalid, unknown customer). Retrying cannot help,
/// but the step's Fault tells the saga, which records the reason.
/// </summary>
public sealed class LedgerStepFailedException(LedgerResult result)
    : Exception($"the ledger refused {result.IdempotencyKey}: {result.Outcome} {result.Reason}")
{
    public static LedgerResult ThrowUnlessSucceeded(LedgerResult result) =>
        result.Succeeded ? result : throw new LedgerStepFailedException(result);
}
