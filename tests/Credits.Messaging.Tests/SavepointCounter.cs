using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Credits.Messaging.Tests;

/// <summary>Counts the savepoints EF creates on a DbContext: each one costs a <c>SAVEPOINT</c> and a <c>RELEASE</c> round trip.</summary>
sealed class SavepointCounter : DbTransactionInterceptor
{
    int _created;
    public int Created => Volatile.Read(ref _created);

    public override Task CreatedSavepointAsync(DbTransaction transaction, TransactionEventData eventData, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _created);
        return Task.CompletedTask;
    }

    public override void CreatedSavepoint(DbTransaction transaction, TransactionEventData eventData) => Interlocked.Increment(ref _created);
}
