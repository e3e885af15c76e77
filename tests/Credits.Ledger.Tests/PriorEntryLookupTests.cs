using Credits.Ledger.Model;
using Credits.Ledger.Storage;
using Credits.Ledger.Tests.Support;
using Npgsql;
using Xunit;

namespace Credits.Ledger.Tests;

/// <summary>
/// Every ledger transaction looks up the entries already written under its keys, under its accounts' locks: for a usage
/// batch of 1,000 events, 2,000 keys (each event's key and its former key). Asked as <c>key_hash = ANY(...)</c>, the
/// planner costs every key as a row to fetch and, on a table of tens or hundreds of thousands of entries, reads the
/// whole table instead: a batch's lookup grew from 7 to 85 ms over a 240,000-event run (docs/BENCHMARKS.md, twenty-second
/// session). The lookup must probe the key index whatever the table's size and statistics.
/// A database of its own: the table's size and statistics are this test's.
/// </summary>
public class PriorEntryLookupTests(LedgerDatabase database) : IClassFixture<LedgerDatabase>
{
    const int Entries = 60_000;

    [Fact]
    public async Task A_batchs_keys_are_looked_up_through_the_key_index_on_a_table_the_planner_would_rather_scan()
    {
        var hashes = Enumerable.Range(0, 2_000).Select(i => EntryHashes.Key($"usage:4:c{i % 1000}:new-{i}")).ToArray();

        var plan = string.Join('\n', await QueryAsync("EXPLAIN " + LedgerStore.PriorEntriesSql, hashes, row => row.GetString(0)));

        Assert.DoesNotContain("Seq Scan on ledger_entries", plan);
        Assert.Contains("Index Scan using ux_ledger_entries_key_hash", plan);
    }

    [Fact]
    public async Task A_keys_entries_come_back_once_even_when_its_hash_is_asked_twice()
    {
        var written = EntryHashes.Key("usage:4:c7:e-7");
        var unknown = EntryHashes.Key("usage:4:c7:never-written");

        var found = await QueryAsync(LedgerStore.PriorEntriesSql, [written, unknown, written], row => (row.GetString(0), row.GetInt32(1)));

        Assert.Equal([("usage:4:c7:e-7", 0)], found);
    }

    /// <summary>Runs <paramref name="sql"/> with the hashes as @h on the filled table and reads its rows.</summary>
    async Task<List<T>> QueryAsync<T>(string sql, Guid[] hashes, Func<NpgsqlDataReader, T> read)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await FillAsync(connection);
        await using var command = new NpgsqlCommand(sql, connection) { Parameters = { new NpgsqlParameter<Guid[]>("h", hashes) } };
        var rows = new List<T>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) rows.Add(read(reader));
        return rows;
    }

    /// <summary>Usage entries as a batch writes them, then the statistics autovacuum would gather.</summary>
    static async Task FillAsync(NpgsqlConnection connection)
    {
        await using var fill = new NpgsqlCommand($"""
            INSERT INTO ledger_entries (customer_id, kind, amount, held_change, quantity, idempotency_key, sequence, fingerprint,
                period_start, occurred_at, recorded_at)
            SELECT 'c' || (i % 1000), 'Usage', -1, 0, 1, 'usage:4:c' || (i % 1000) || ':e-' || i, 0, i,
                date_trunc('month', now()), now(), now()
            FROM generate_series(1, {Entries}) AS i
            WHERE NOT EXISTS (SELECT 1 FROM ledger_entries);
            ANALYZE ledger_entries;
            """, connection);
        await fill.ExecuteNonQueryAsync();
    }
}
