using Credits.Messaging.Commits;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Credits.Messaging;

/// <summary>
/// The last save of a unit of work that owns its transaction: the ledger's side rows, the outbox rows, a changed saga
/// instance, written just before the commit.
/// </summary>
/// <remarks>
/// Inside a transaction EF wraps every <c>SaveChanges</c> in a savepoint (<c>SAVEPOINT</c> before, <c>RELEASE</c>
/// after: two more round trips) so that a caller can catch a failed save and go on in the same transaction. Nobody goes
/// on after a last save: a failure fails the unit and rolls all of it back. A save a caller does recover from (a saga's
/// insert that may meet a duplicate key, a request stored once under a unique key) keeps EF's savepoint by calling
/// <c>SaveChangesAsync</c> itself.
/// </remarks>
public static class LastSave
{
    /// <summary>Saves the tracked changes without a savepoint; the DbContext keeps its own setting afterwards.</summary>
    public static Task SaveWithoutSavepointAsync(this DbContext dbContext, CancellationToken cancellationToken) =>
        Save(dbContext, commit: null, cancellationToken);

    /// <summary>
    /// Saves the tracked changes as the transaction's last writes, then commits it: in the save's last batch when the
    /// DbContext allows it and the batch cannot fail after it (<see cref="FoldedCommit"/>), else in a round trip of its
    /// own. Either way the transaction is over when this returns.
    /// </summary>
    public static Task SaveAndCommitAsync(this DbContext dbContext, IDbContextTransaction transaction, CancellationToken cancellationToken) =>
        Save(dbContext, transaction, cancellationToken);

    // One async method for both: the outbox runs this for every consumed message, so no second state machine.
    static async Task Save(DbContext dbContext, IDbContextTransaction? commit, CancellationToken cancellationToken)
    {
        var savepoints = dbContext.Database.AutoSavepointsEnabled;
        dbContext.Database.AutoSavepointsEnabled = false;
        var folded = commit is null ? null : FoldedCommit.Arm(dbContext, commit);
        try
        {
            await dbContext.SaveChangesAsync(cancellationToken);
        }
        finally
        {
            // The scope's DbContext may be pooled, and a retried message saves again: it leaves as it came.
            dbContext.Database.AutoSavepointsEnabled = savepoints;
            folded?.Disarm();
        }

        if (commit is null)
            return;
        if (folded!.Sent)
            await commit.DisposeAsync(); // PostgreSQL has committed; this only ends Entity Framework's transaction.
        else
            await commit.CommitAsync(cancellationToken);
    }
}
