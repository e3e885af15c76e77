using System.Text;
using Credits.Messaging.Commits;
using Credits.Messaging.Outbox;
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
        Save(dbContext, commit: null, rows: null, cancellationToken);

    /// <summary>
    /// Saves the tracked changes as the transaction's last writes, then commits it: in the save's last batch when the
    /// DbContext allows it and the batch cannot fail after it (<see cref="FoldedCommit"/>), else in a round trip of its
    /// own. Either way the transaction is over when this returns.
    /// </summary>
    public static Task SaveAndCommitAsync(this DbContext dbContext, IDbContextTransaction transaction, CancellationToken cancellationToken) =>
        Save(dbContext, transaction, rows: null, cancellationToken);

    /// <summary>
    /// The same, with a consumed message's outbox and inbox rows written by hand at the end of the save's last batch; in a
    /// round trip of their own that carries the commit when the save had nothing else to write.
    /// </summary>
    internal static Task SaveAndCommitAsync(this DbContext dbContext, IDbContextTransaction transaction, OutboxRows rows, CancellationToken cancellationToken) =>
        Save(dbContext, transaction, rows, cancellationToken);

    // One async method for all: the outbox runs this for every consumed message, so no second state machine.
    static async Task Save(DbContext dbContext, IDbContextTransaction? commit, OutboxRows? rows, CancellationToken cancellationToken)
    {
        var savepoints = dbContext.Database.AutoSavepointsEnabled;
        dbContext.Database.AutoSavepointsEnabled = false;
        var folded = commit is null ? null : FoldedCommit.Arm(dbContext, commit, rows);
        try
        {
            await dbContext.SaveChangesAsync(cancellationToken);
            if (rows is { Pending: true })
                await WriteByHand(dbContext, folded!, rows, cancellationToken);
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

    /// <summary>
    /// The rows of a save that wrote nothing else (or of a DbContext whose batches cannot carry them), with the commit
    /// when no batch carried it: one round trip. Through Entity Framework's raw SQL, so its interceptors, logs and traces see it.
    /// </summary>
    static async Task WriteByHand(DbContext dbContext, FoldedCommit folded, OutboxRows rows, CancellationToken cancellationToken)
    {
        var sql = new StringBuilder();
        var parameters = new List<object>();
        rows.AppendTo(sql, parameters.Add);
        var commit = !folded.Sent;
        if (commit) sql.AppendLine("COMMIT;");
        await dbContext.Database.ExecuteSqlRawAsync(sql.ToString(), parameters, cancellationToken);
        rows.MarkWritten();
        if (commit) folded.MarkSent();
    }
}
