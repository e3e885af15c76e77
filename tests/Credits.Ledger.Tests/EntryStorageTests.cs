using Credits.Ledger.Tests.Support;
using Credits.Testing;
using Npgsql;
using Xunit;

namespace Credits.Ledger.Tests;

/// <summary>
/// Every usage event is at least one ledger entry, kept for ever, so an entry's bytes are the ledger's growth
/// (issue 16, item 3). The once-only index on entry keys held the key's whole text, about 80 characters for a
/// usage key and up to 400, and so did the operation's fingerprint. Both are hashes now: 16 bytes for the key
/// in the unique index, 8 for the fingerprint. A database of its own: the sizes must be this test's entries alone.
/// </summary>
public class EntryStorageTests(LedgerDatabase database) : IClassFixture<LedgerDatabase>
{
    [Fact]
    public async Task An_entry_costs_a_16_byte_key_hash_in_the_unique_index_whatever_the_key_length()
    {
        await using var customer = new Customer(database);
        await customer.StartAsync("pro", allowance: 100_000);
        const int debits = 1_000;
        for (var i = 0; i < debits; i++)
            Assert.Equal(1, (await customer.DebitAsync(1, key: $"usage:{customer.Id.Length}:{customer.Id}:{new string('e', 80)}-{i:D5}")).Debited);

        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            SELECT pg_get_indexdef(i.indexrelid), pg_relation_size(i.indexrelid),
                   (SELECT count(*) FROM ledger_entries), pg_column_size((SELECT fingerprint FROM ledger_entries WHERE sequence = 0 LIMIT 1))
            FROM pg_index i WHERE i.indrelid = 'ledger_entries'::regclass AND i.indisunique AND NOT i.indisprimary
            """, connection);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync(), "ledger_entries has a unique index on its keys");
        var (definition, bytes, entries, fingerprintBytes) = (reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt32(3));
        Assert.False(await reader.ReadAsync(), "one unique index besides the primary key");

        Assert.DoesNotContain("(idempotency_key", definition);
        // A B-tree tuple of a 16-byte hash and a sequence is 32 bytes plus its 4-byte pointer; hashes arrive in random
        // order, so leaf pages split half full (about 80 bytes per entry in a tree this small, 50 in a large one).
        // The keys' text, about 120 characters here, made it about 200.
        Assert.True(bytes / entries < 100, $"{bytes / entries} bytes per entry in {definition}");
        Assert.Equal(8, fingerprintBytes);
        Assert.Equal(100_000 - debits, await customer.AvailableAsync());
    }

    /// <summary>
    /// Every reader asks for one customer's entries, so the key leads with the customer; a key on the id alone was an
    /// index on every entry that no query needed (23 of 290 bytes, docs/SCALING.md section 6).
    /// </summary>
    [Fact]
    public async Task Entries_are_keyed_by_customer_and_id_with_no_index_on_the_id_alone()
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            SELECT i.indisprimary, array_to_string(array_agg(a.attname ORDER BY k.ord), ',')
            FROM pg_index i CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
            JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
            WHERE i.indrelid = 'ledger_entries'::regclass
            GROUP BY i.indexrelid, i.indisprimary ORDER BY 2
            """, connection);
        var indexes = new List<(bool Primary, string Columns)>();
        await using (var reader = await command.ExecuteReaderAsync())
            while (await reader.ReadAsync()) indexes.Add((reader.GetBoolean(0), reader.GetString(1)));

        Assert.Equal([(true, "customer_id,id"), (false, "customer_id,period_start,id"), (false, "key_hash,sequence")], indexes);
    }
}
