using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Update;

namespace Credits.Messaging.Commits;

/// <summary>Npgsql's batch factory, making <see cref="CommitFoldingBatch"/>es of the same maximum size (1,000 unless configured).</summary>
sealed class CommitFoldingBatchFactory(ModificationCommandBatchFactoryDependencies dependencies, IDbContextOptions options)
    : IModificationCommandBatchFactory
{
    readonly int _maxBatchSize = RelationalOptionsExtension.Extract(options).MaxBatchSize ?? 1000;

    public ModificationCommandBatch Create() => new CommitFoldingBatch(dependencies, _maxBatchSize);
}
