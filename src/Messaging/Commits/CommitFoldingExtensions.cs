using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Update;
using Microsoft.Extensions.DependencyInjection;

namespace Credits.Messaging.Commits;

public static class CommitFoldingExtensions
{
    /// <summary>
    /// Lets <see cref="LastSave.SaveAndCommitAsync"/> send its <c>COMMIT</c> in the save's last batch
    /// (<see cref="FoldedCommit"/>). Other saves are unchanged. The outbox and the saga repository turn this on for
    /// their DbContext; a DbContext without it commits in a round trip of its own.
    /// </summary>
    public static DbContextOptionsBuilder FoldCommitIntoLastBatch(this DbContextOptionsBuilder options) =>
        options.ReplaceService<IModificationCommandBatchFactory, CommitFoldingBatchFactory>();

    /// <summary>The same for every registration of <typeparamref name="TDbContext"/> (<c>AddDbContext</c> or <c>AddDbContextPool</c>).</summary>
    public static IServiceCollection FoldCommitIntoLastBatch<TDbContext>(this IServiceCollection services)
        where TDbContext : DbContext =>
        services.ConfigureDbContext<TDbContext>((_, options) => options.FoldCommitIntoLastBatch());
}
