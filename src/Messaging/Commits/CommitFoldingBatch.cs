using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.EntityFrameworkCore.Update;
using Npgsql.EntityFrameworkCore.PostgreSQL.Update.Internal;

namespace Credits.Messaging.Commits;

// Npgsql's batch is marked internal API: its consumption of results (rows affected from the protocol) is what Credits
// keeps, and the provider is pinned (10.0.3). When_the_last_save_commits fails if a later version changes how it runs a batch.
#pragma warning disable EF1001

/// <summary>
/// Npgsql's modification batch, which appends the armed <see cref="FoldedCommit"/> to the last batch of a save.
/// Entity Framework tells each batch whether more follow (<c>Complete(moreBatchesExpected)</c>), so the commit can
/// only ride in the save's last batch.
/// </summary>
sealed class CommitFoldingBatch(ModificationCommandBatchFactoryDependencies dependencies, int maxBatchSize)
    : NpgsqlModificationCommandBatch(dependencies, maxBatchSize)
{
    FoldedCommit? _commit;

    public override void Complete(bool moreBatchesExpected)
    {
        if (!moreBatchesExpected && FoldedCommit.For(Dependencies.CurrentContext.Context, ModificationCommands) is { } commit)
        {
            SqlBuilder.AppendLine("COMMIT;");
            _commit = commit;
        }
        base.Complete(moreBatchesExpected);
    }

    public override void Execute(IRelationalConnection connection)
    {
        base.Execute(connection);
        _commit?.MarkSent();
    }

    public override async Task ExecuteAsync(IRelationalConnection connection, CancellationToken cancellationToken = default)
    {
        await base.ExecuteAsync(connection, cancellationToken);
        _commit?.MarkSent();
    }
}
