using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Credits.Messaging;

/// <summary>
/// Quoted names of an entity's table and columns as a DbContext maps them, for the few statements EF cannot express
/// (ON CONFLICT, FOR UPDATE, SKIP LOCKED). The one home of identifier quoting for the outbox, the scheduler and the
/// Gateway's promotion lock.
/// </summary>
public static class MappedTable
{
    static readonly ConditionalWeakTable<IEntityType, string> ColumnLists = new();

    /// <summary>The table, schema-qualified when the model gives a schema.</summary>
    public static string Name(IEntityType entityType)
    {
        var table = entityType.GetTableName() ?? throw new InvalidOperationException($"{entityType.DisplayName()} is not mapped to a table");
        return entityType.GetSchema() is { } schema ? $"{Quote(schema)}.{Quote(table)}" : Quote(table);
    }

    /// <summary>
    /// The mapped columns by name, for a <c>SELECT</c> EF materializes. Named, not <c>*</c>: the hosts prepare their
    /// statements on each connection (Credits.ServiceDefaults.PreparedStatements), and a column added to the table by a
    /// migration rolled out under running instances would change a prepared <c>*</c> statement's result, which
    /// PostgreSQL refuses ("cached plan must not change result type"). The xmin concurrency token is named too
    /// (<c>*</c> leaves system columns out). Complex and owned types are refused: their columns are not the entity's own
    /// properties, and none of the tables read this way has them (the saga repository, which could, reads through LINQ).
    /// Built once per model's entity type.
    /// </summary>
    public static string Columns(IEntityType entityType) => ColumnLists.GetValue(entityType, BuildColumns);

    public static string Columns<TEntity>(DbContext dbContext) where TEntity : class =>
        Columns(dbContext.Model.FindEntityType(typeof(TEntity))
            ?? throw new InvalidOperationException($"{typeof(TEntity).Name} is not mapped in {dbContext.GetType().Name}"));

    public static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"") + "\"";

    static string BuildColumns(IEntityType entityType)
    {
        if (entityType.GetComplexProperties().Any() || entityType.GetNavigations().Any(n => n.TargetEntityType.IsOwned()))
            throw new NotSupportedException($"{entityType.DisplayName()} has complex or owned properties: name its columns by hand");
        var store = StoreObjectIdentifier.Table(entityType.GetTableName()!, entityType.GetSchema());
        return string.Join(", ", entityType.GetProperties().Select(p => p.GetColumnName(store)).OfType<string>().Select(Quote));
    }
}
