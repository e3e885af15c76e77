using Credits.Ledger.Results;

namespace Credits.Ledger;

/// <summary>
/// Lets the ledger send its caller's <c>COMMIT</c> at the end of its own save, in the same batch: one round trip fewer
/// for a unit of work whose only writes are the ledger's (issue 16: a reservation, its settlement or release over HTTP).
/// The caller says, from the results, whether anything is still to be written in its transaction. When nothing is and
/// the ledger has rows to write, the batch ends with the commit and <see cref="Sent"/> turns true: the transaction is
/// over, and the caller only disposes it. Otherwise the caller commits as usual.
/// </summary>
/// <remarks>
/// Safe for the same reason as the folded commit of an Entity Framework save (docs/RELIABILITY.md): PostgreSQL skips
/// the rest of a batch after a failed statement, so the commit runs only if every ledger write before it succeeded;
/// and the ledger checks no row counts after its batch, so nothing it does can fail once the commit has run. Honoured
/// only inside the caller's transaction: a ledger call without one commits its own.
/// </remarks>
public sealed class CommitWithLedgerSave(Func<IReadOnlyList<LedgerResult>, bool> nothingFollows)
{
    /// <summary>True once the ledger's batch carrying the commit has run: PostgreSQL has committed the transaction.</summary>
    public bool Sent { get; private set; }

    internal bool WantedAfter(IReadOnlyList<LedgerResult> results) => nothingFollows(results);

    internal void MarkSent() => Sent = true;
}
