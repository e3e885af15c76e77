using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace Credits.Ledger.Storage;

/// <summary>
/// Runs ledger SQL on the host's DbContext connection: inside the host's transaction when it has
/// one (so that outbox messages commit with the entries), else in a transaction of its own.
/// </summary>
static class LedgerConnection
{
    public static async Task<T> InTransactionAsync<T>(DbContext db,
        Func<NpgsqlConnection, NpgsqlTransaction?, Task<T>> work, CancellationToken ct)
    {
        if (db.Database.CurrentTransaction is { } current)
            return await work(Connection(db), (NpgsqlTransaction)current.GetDbTransaction());

        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async () =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var result = await work(Connection(db), (NpgsqlTransaction)transaction.GetDbTransaction());
            await transaction.CommitAsync(ct);
            return result;
        });
    }

    /// <summary>
    /// For reads and single statements (an upsert is atomic on its own): no transaction of our own, but the host's if
    /// there is one.
    /// </summary>
    public static async Task<T> OnConnectionAsync<T>(DbContext db, Func<NpgsqlConnection, NpgsqlTransaction?, Task<T>> work, CancellationToken ct)
    {
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            return await work(Connection(db), (NpgsqlTransaction?)db.Database.CurrentTransaction?.GetDbTransaction());
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    static NpgsqlConnection Connection(DbContext db) =>
        db.Database.GetDbConnection() as NpgsqlConnection
        ?? throw new InvalidOperationException("The credit ledger needs a DbContext on Npgsql (PostgreSQL).");
}
