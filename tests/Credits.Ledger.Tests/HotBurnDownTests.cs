using Credits.Ledger.Tests.Support;
using Credits.Testing;
using Npgsql;
using Xunit;

namespace Credits.Ledger.Tests;

/// <summary>
/// A debit that leaves credits in a grant rewrites only its <c>remaining</c>. PostgreSQL can do that in place (a HOT
/// update, no new entry in any index) only if no index uses the column, predicates included; with <c>remaining &gt; 0</c>
/// in the partial indexes every burn-down wrote into all four of the table's indexes (docs/BENCHMARKS.md, issue 16).
/// A database of its own: the table's update counters must be this test's alone.
/// </summary>
public class HotBurnDownTests(LedgerDatabase database) : IClassFixture<LedgerDatabase>
{
    [Fact]
    public async Task A_burn_down_that_leaves_credits_updates_the_grant_in_place()
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using (var indexes = new NpgsqlCommand("""
            SELECT string_agg(i.indexrelid::regclass::text, ', ') FROM pg_index i
            JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attname = 'remaining'
            WHERE i.indrelid = 'ledger_grants'::regclass
              AND (a.attnum = ANY(i.indkey) OR pg_get_expr(i.indpred, i.indrelid) LIKE '%remaining%')
            """, connection))
            Assert.Null(await indexes.ExecuteScalarAsync() as string); // no index on ledger_grants reads remaining

        await using var customer = new Customer(database);
        await customer.StartAsync("pro"); // one grant of 1,000 credits
        const int debits = 20;
        for (var i = 0; i < debits; i++) Assert.Equal(1, (await customer.DebitAsync(1)).Debited);

        // Each backend reports its counters when it goes idle, within about ten seconds.
        var (updates, hot) = (await Eventually.Get(async () =>
        {
            await using var command = new NpgsqlCommand(
                "SELECT n_tup_upd, n_tup_hot_upd FROM pg_stat_user_tables WHERE relname = 'ledger_grants'", connection);
            await using var reader = await command.ExecuteReaderAsync();
            await reader.ReadAsync();
            return (Updates: reader.GetInt64(0), Hot: reader.GetInt64(1));
        }, c => c.Updates >= debits, TimeSpan.FromSeconds(30), "the grant's updates counted"));

        // Most, not all: once a page is full, an update moves the row to another page until the page is pruned.
        Assert.True(hot >= updates / 2, $"{hot} of {updates} updates of ledger_grants were HOT");
        Assert.Equal(1000 - debits, await customer.AvailableAsync());
    }
}
