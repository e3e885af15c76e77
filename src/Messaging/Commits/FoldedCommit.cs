using Credits.Messaging.Outbox;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.EntityFrameworkCore.Update;

namespace Credits.Messaging.Commits;

/// <summary>
/// The <c>COMMIT</c> of a last save (<see cref="LastSave.SaveAndCommitAsync"/>), sent as the last statement of the
/// save's last batch instead of in a round trip of its own (issue 16: one round trip fewer for a saga transition, and for
/// any unit whose last save has rows to write). Armed for the length of one save, on one DbContext and its transaction.
/// </summary>
/// <remarks>
/// PostgreSQL runs a batch's statements in order and, after a failed one, skips the rest up to the batch's end: a
/// <c>COMMIT</c> at the end runs only if every statement before it succeeded, and an error leaves the transaction
/// failed for its owner to roll back. What PostgreSQL cannot see is Entity Framework's own check, made after the batch,
/// that an <c>UPDATE</c> or <c>DELETE</c> touched exactly one row. So a batch carries the commit only when that check
/// cannot fail: its commands insert rows, or change rows this transaction holds (<see cref="HeldRows"/>: locked with
/// <c>FOR UPDATE</c> or inserted by it). Any other batch is saved and committed as before.
/// </remarks>
sealed class FoldedCommit
{
    static readonly AsyncLocal<FoldedCommit?> Armed = new();

    readonly DbContext _dbContext;
    readonly IDbContextTransaction _transaction;

    FoldedCommit(DbContext dbContext, IDbContextTransaction transaction, OutboxRows? rows) =>
        (_dbContext, _transaction, Rows) = (dbContext, transaction, rows);

    /// <summary>True once a batch carrying the commit has run: the transaction is committed.</summary>
    public bool Sent { get; private set; }

    /// <summary>Rows written by hand at the end of the save's last batch, whether or not the commit rides with them.</summary>
    public OutboxRows? Rows { get; }

    /// <summary>Arms the commit for the saves made until <see cref="Disarm"/>, on this DbContext and transaction only.</summary>
    public static FoldedCommit Arm(DbContext dbContext, IDbContextTransaction transaction, OutboxRows? rows = null) =>
        Armed.Value = new FoldedCommit(dbContext, transaction, rows);

    public void Disarm()
    {
        if (ReferenceEquals(Armed.Value, this))
            Armed.Value = null;
    }

    /// <summary>The commit armed for a save on <paramref name="dbContext"/> in its transaction, not yet sent.</summary>
    public static FoldedCommit? For(DbContext dbContext)
    {
        var commit = Armed.Value;
        if (commit is null || commit.Sent || !ReferenceEquals(commit._dbContext, dbContext)
            || !ReferenceEquals(dbContext.Database.CurrentTransaction, commit._transaction))
            return null;
        return commit;
    }

    /// <summary>True when a batch of these commands may end with the commit.</summary>
    public bool MayEnd(IReadOnlyList<IReadOnlyModificationCommand> commands) => commands.All(CannotMissItsRow);

    public void MarkSent() => Sent = true;

    bool CannotMissItsRow(IReadOnlyModificationCommand command) =>
        command.StoreStoredProcedure is null
        && (command.EntityState == EntityState.Added
            || command.EntityState is EntityState.Modified or EntityState.Deleted
            && command.Entries.All(entry => HeldRows.Holds(_transaction, entry.ToEntityEntry().Entity)));
}
