using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace Credits.Messaging;

/// <summary>
/// A plain Npgsql command on a DbContext's open connection and current transaction, for statements that run for every
/// message or request. EF's raw SQL (<c>SqlQuery</c>, <c>SqlQueryRaw</c>) takes its slow path on every execution: it
/// expands the arguments again, may compile an evaluator for them, generates the SQL again and looks it up in its cache
/// under a lock, then materializes the rows (docs/BENCHMARKS.md, thirtieth session).
/// </summary>
public static class PlainCommands
{
    /// <summary>A command with <paramref name="sql"/>; its positional parameters (<c>$1</c>, <c>$2</c>, …) are added in order.</summary>
    public static NpgsqlCommand PlainCommand(this DbContext db, string sql) =>
        new(sql, (NpgsqlConnection)db.Database.GetDbConnection(), (NpgsqlTransaction?)db.Database.CurrentTransaction?.GetDbTransaction());

    /// <summary>Adds a positional parameter; a null reference is sent as SQL NULL.</summary>
    public static NpgsqlCommand With<T>(this NpgsqlCommand command, T value)
    {
        command.Parameters.Add(value is null ? new NpgsqlParameter { Value = DBNull.Value } : new NpgsqlParameter<T> { TypedValue = value });
        return command;
    }
}
