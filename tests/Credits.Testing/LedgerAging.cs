using Npgsql;

namespace Credits.Testing;

/// <summary>
/// A stand-in for months passing, for the ledger archive's tests on a running system: a customer's entries move back
/// by some months, to where the archive takes them, and the archive cursor a host may already have written for the
/// account (look again in some months) goes with them, in one transaction.
/// </summary>
public static class LedgerAging
{
    public static async Task MoveEntriesBackAsync(PostgresDatabase database, string customerId, int months)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using var command = new NpgsqlCommand("""
            UPDATE ledger_entries SET recorded_at = recorded_at - make_interval(months => @months) WHERE customer_id = @c;
            DELETE FROM ledger_archive_cursors WHERE customer_id = @c;
            """, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<string>("c", customerId));
        command.Parameters.Add(new NpgsqlParameter<int>("months", months));
        await command.ExecuteNonQueryAsync();
        await transaction.CommitAsync();
    }
}
