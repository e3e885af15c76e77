using System.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Credits.Messaging.Sagas;

/// <summary>
/// The transaction a saga message runs in. When the message scope's DbContext already has one (begun by the
/// transactional outbox, which commits it together with its outgoing messages), the saga joins it and leaves
/// the last save, commit and rollback to its owner; otherwise the saga opens its own through the execution strategy
/// and owns them: the changed instances are written by one last save, which carries the commit (issue 16).
/// </summary>
static class SagaTransaction
{
    public static async Task Run(DbContext dbContext, Func<Task> work, CancellationToken cancellationToken)
    {
        if (dbContext.Database.CurrentTransaction is not null)
        {
            await work();
            return;
        }

        var attempt = 0;
        var strategy = dbContext.Database.CreateExecutionStrategy();
        await strategy.ExecuteAsync(async () =>
        {
            // A retrying strategy replays the whole message: what the failed attempt tracked is stale.
            if (attempt++ > 0)
                dbContext.ChangeTracker.Clear();

            await using IDbContextTransaction transaction =
                await dbContext.Database.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);
            await work();
            await dbContext.SaveAndCommitAsync(transaction, cancellationToken);
        });
    }
}
