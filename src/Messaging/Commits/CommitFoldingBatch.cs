using Credits.Messaging.Outbox;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.EntityFrameworkCore.Update;
using Npgsql.EntityFrameworkCore.PostgreSQL.Update.Internal;

namespace Credits.Messaging.Commits;

// Npgsql's batch is marked internal API: its consumption of results (rows affected from the protocol) is what Credits
// keeps, and the provider is pinned (10.0.3). When_the_last_save_commits fails if a later version changes how it runs a batch.
#pragma warning disable EF1001

/// <summary>
/// Npgsql's modification batch, which appends the armed <see cref="FoldedCommit"/> and its rows written by hand
/// (<see cref="FoldedCommit.Rows"/>) to the last batch of a save.
/// Entity Framework tells each batch whether more follow (<c>Complete(moreBatchesExpected)</c>), so the commit can
/// only ride in the save's last batch.
/// </summary>
sealed class CommitFoldingBatch(ModificationCommandBatchFactoryDependencies dependencies, int maxBatchSize)
    : NpgsqlModificationCommandBatch(dependencies, maxBatchSize)
{
    FoldedCommit? _commit;
    OutboxRows? _rows;

    public override void Complete(bool moreBatchesExpected)
    {
        if (!moreBatchesExpected && FoldedCommit.For(Dependencies.CurrentContext.Context) is { } armed)
        {
            // The rows go in whether or not the commit can follow: they are inserts of this transaction either way.
            if (armed.Rows is { Pending: true } rows)
            {
                rows.AppendTo(SqlBuilder, parameter =>
                {
                    RelationalCommandBuilder.AddRawParameter(parameter.ParameterName, parameter);
                    ParameterValues[parameter.ParameterName] = parameter;
                });
                _rows = rows;
            }
            if (armed.MayEnd(ModificationCommands))
            {
                SqlBuilder.AppendLine("COMMIT;");
                _commit = armed;
            }
        }
        base.Complete(moreBatchesExpected);
    }

    public override void Execute(IRelationalConnection connection)
    {
        base.Execute(connection);
        Ran();
    }

    public override async Task ExecuteAsync(IRelationalConnection connection, CancellationToken cancellationToken = default)
    {
        await base.ExecuteAsync(connection, cancellationToken);
        Ran();
    }

    /// <summary>Every statement of the batch succeeded, Entity Framework's checks included.</summary>
    void Ran()
    {
        _rows?.MarkWritten();
        _commit?.MarkSent();
    }
}
