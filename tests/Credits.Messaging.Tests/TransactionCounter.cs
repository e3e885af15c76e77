using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Credits.Messaging.Tests;

/// <summary>
/// Counts what EF does with a DbContext's transactions that costs round trips of their own: the savepoints it creates
/// (a <c>SAVEPOINT</c> and a <c>RELEASE</c> each) and the commits it sends (<c>transaction.Commit</c>; a commit carried in
/// a last batch is not one of them).
/// </summary>
sealed class TransactionCounter : DbTransactionInterceptor
{
    int _savepoints, _commits;
    public int SavepointsCreated => Volatile.Read(ref _savepoints);
    public int Committed => Volatile.Read(ref _commits);

    public override Task CreatedSavepointAsync(DbTransaction transaction, TransactionEventData eventData, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _savepoints);
        return Task.CompletedTask;
    }

    public override void CreatedSavepoint(DbTransaction transaction, TransactionEventData eventData) => Interlocked.Increment(ref _savepoints);

    public override Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _commits);
        return Task.CompletedTask;
    }

    public override void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Interlocked.Increment(ref _commits);
}
