using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace Credits.Messaging.Sagas;

/// <summary>
/// Ends a query tagged with <see cref="Tag"/> with <c>FOR UPDATE</c>, which EF has no operator for. The saga loader
/// used <c>FromSqlRaw</c> before, and EF takes its slow path for raw SQL on every execution: the arguments expanded
/// again, the SQL generated again and looked up in its command cache under a lock, about a third of a saga
/// transition's CPU (issue 16, docs/BENCHMARKS.md). A tagged LINQ query is compiled once, and its SQL is cached.
/// Public for the saga benchmark's Entity Framework floor, which takes the same lock without the saga machinery.
/// </summary>
public sealed class RowLockInterceptor : DbCommandInterceptor
{
    public const string Tag = "credits: lock the rows read (FOR UPDATE)";

    // EF writes a tag as a comment line in front of the query.
    const string TaggedQuery = "-- " + Tag;

    public static readonly RowLockInterceptor Instance = new();

    public static bool IsRegisteredIn(DbContext dbContext) =>
        dbContext.GetService<IDbContextOptions>().FindExtension<CoreOptionsExtension>()?.Interceptors?
            .Contains(Instance) == true;

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData,
        InterceptionResult<DbDataReader> result)
    {
        Lock(command);
        return result;
    }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command,
        CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Lock(command);
        return ValueTask.FromResult(result);
    }

    // EF sets the command's text from its cached template on every execution, so this never appends twice.
    static void Lock(DbCommand command)
    {
        if (command.CommandText.StartsWith(TaggedQuery, StringComparison.Ordinal))
            command.CommandText += " FOR UPDATE";
    }
}
