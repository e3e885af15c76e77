using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Credits.Messaging.Tests;

/// <summary>Counts the commits EF sends on a DbContext in a round trip of their own (<c>transaction.Commit</c>).</summary>
sealed class CommitCounter : DbTransactionInterceptor
{
    int _committed;
    public int Committed => Volatile.Read(ref _committed);

    public override Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _committed);
        return Task.CompletedTask;
    }

    public override void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Interlocked.Increment(ref _committed);
}
