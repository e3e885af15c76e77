using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using System.Runtime.CompilerServices;

namespace Credits.Messaging.Commits;

/// <summary>
/// The rows a transaction holds, by the tracked entity that maps each: locked with <c>FOR UPDATE</c>, or inserted by
/// the transaction itself. Nobody else can change or delete such a row before the transaction ends, so an
/// <c>UPDATE</c> or <c>DELETE</c> of it finds it (<see cref="FoldedCommit"/>). Kept per transaction object, which
/// Entity Framework creates anew for every transaction it begins.
/// </summary>
public static class HeldRows
{
    static readonly ConditionalWeakTable<IDbContextTransaction, HashSet<object>> ByTransaction = new();

    /// <summary>Records that the DbContext's current transaction holds <paramref name="entity"/>'s row; no transaction, no record.</summary>
    public static void Hold(DbContext dbContext, object entity)
    {
        if (dbContext.Database.CurrentTransaction is { } transaction)
            ByTransaction.GetValue(transaction, _ => new HashSet<object>(ReferenceEqualityComparer.Instance)).Add(entity);
    }

    public static bool Holds(IDbContextTransaction transaction, object entity) =>
        ByTransaction.TryGetValue(transaction, out var entities) && entities.Contains(entity);
}
