using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Credits.Messaging;

/// <summary>
/// The column list of an entity's table, for the hand-written <c>SELECT ... FOR UPDATE</c> statements EF cannot
/// express. Named, not <c>*</c>: the hosts prepare their statements on each connection
/// (Credits.ServiceDefaults.PreparedStatements), and a column added to the table by a migration rolled out under running
/// instances would change a prepared <c>*</c> statement's result, which PostgreSQL refuses ("cached plan must not change
/// result type"). The xmin concurrency token is named too (<c>*</c> leaves system columns out). Complex and owned types
/// keep <c>*</c>: their columns are not the entity's own properties.
/// </summary>
public static class MappedColumns
{
    // Per DbContext type: two contexts may map the same type to different tables.
    static readonly ConcurrentDictionary<(Type Context, Type Entity), string> Lists = new();

    public static string Of<TEntity>(DbContext dbContext) where TEntity : class =>
        Lists.GetOrAdd((dbContext.GetType(), typeof(TEntity)), _ => Build(dbContext.Model.FindEntityType(typeof(TEntity))
            ?? throw new InvalidOperationException($"{typeof(TEntity).Name} is not mapped in {dbContext.GetType().Name}")));

    static string Build(IEntityType entityType)
    {
        var table = entityType.GetTableName() ?? throw new InvalidOperationException($"{entityType.DisplayName()} is not mapped to a table");
        var store = StoreObjectIdentifier.Table(table, entityType.GetSchema());
        var columns = entityType.GetProperties().Select(p => p.GetColumnName(store)).OfType<string>().ToList();
        if (entityType.GetComplexProperties().Any() || entityType.GetNavigations().Any(n => n.TargetEntityType.IsOwned()))
            return columns.Contains("xmin") ? "*, xmin" : "*";
        return string.Join(", ", columns.Select(Quote));
    }

    static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"") + "\"";
}
