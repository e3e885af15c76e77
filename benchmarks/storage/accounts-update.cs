#:package Npgsql
// The accounts' update of a 1,000-event usage batch (1,000 rows locked FOR UPDATE, then one UPDATE from unnest arrays)
// at a fillfactor of 100 (the table's) or less (issue 16, seventeenth session in docs/BENCHMARKS.md): 100 warm-up
// rounds, 200 measured, then the table's updates, HOT updates and size. Scratch database only (see entries-insert.cs):
//   ENTRIES_DB="Host=...;Database=scratch;..." dotnet run benchmarks/storage/accounts-update.cs 70
using System.Diagnostics;
using Npgsql;
var ff = args[0];
var cs = Environment.GetEnvironmentVariable("ENTRIES_DB") ?? throw new InvalidOperationException("Set ENTRIES_DB to a scratch database's connection string.");
await using var ds = NpgsqlDataSource.Create(cs);
await using var conn = await ds.OpenConnectionAsync();
async Task Exec(string sql) { await using var c = new NpgsqlCommand(sql, conn); await c.ExecuteNonQueryAsync(); }
await Exec("TRUNCATE ledger_accounts CASCADE");
await Exec($"ALTER TABLE ledger_accounts SET (fillfactor = {ff})");
var customers = Enumerable.Range(0, 1000).Select(i => $"c{i}").ToArray();
await Exec("INSERT INTO ledger_accounts (customer_id, plan_id, period_start, period_end, balance, held, overage_this_period, overage_next_period, overage_suspended, created_at, updated_at, usage_remainder, overage_previous_period, spend_cap_alerted) SELECT 'c'||i, 'pro', now(), now() + interval '30 days', 0, 0, 0, 0, false, now(), now(), 0, 0, 0 FROM generate_series(0,999) i");
var sql = """
    UPDATE ledger_accounts a SET balance = u.balance, held = u.held, overage_this_period = u.overage, updated_at = now()
    FROM unnest(@c, @balance, @held, @overage) AS u(c, balance, held, overage) WHERE a.customer_id = u.c
    """;
long r = 0;
async Task<double> Round()
{
    r++;
    var sw = Stopwatch.StartNew();
    await using var tx = await conn.BeginTransactionAsync();
    await using (var l = new NpgsqlCommand("SELECT customer_id FROM ledger_accounts WHERE customer_id = ANY(@c) ORDER BY customer_id FOR UPDATE", conn, tx))
    { l.Parameters.Add(new NpgsqlParameter<string[]>("c", customers)); await using var rd = await l.ExecuteReaderAsync(); while (await rd.ReadAsync()) { } }
    var t0 = sw.Elapsed.TotalMilliseconds;
    await using var cmd = new NpgsqlCommand(sql, conn, tx);
    cmd.Parameters.Add(new NpgsqlParameter<string[]>("c", customers));
    cmd.Parameters.Add(new NpgsqlParameter<long[]>("balance", customers.Select(_ => -r).ToArray()));
    cmd.Parameters.Add(new NpgsqlParameter<long[]>("held", customers.Select(_ => 0L).ToArray()));
    cmd.Parameters.Add(new NpgsqlParameter<long[]>("overage", customers.Select(_ => r).ToArray()));
    await cmd.ExecuteNonQueryAsync();
    var t = sw.Elapsed.TotalMilliseconds - t0;
    await tx.CommitAsync();
    return t;
}
for (int i = 0; i < 100; i++) await Round();
// The statistics are cumulative: the measured rounds' share is the difference. A backend sends its counts at most once a
// second, when it goes idle; pg_stat_force_next_flush() makes the next idle send them, so it runs as a statement of its
// own before the read (in one statement with the read, the read saw a part of the updates).
async Task<(long Updates, long Hot)> Counts()
{
    await Exec("select pg_stat_force_next_flush()");
    await using var s = new NpgsqlCommand("select n_tup_upd, n_tup_hot_upd from pg_stat_user_tables where relname='ledger_accounts'", conn);
    await using var rd = await s.ExecuteReaderAsync(); await rd.ReadAsync(); return (rd.GetInt64(0), rd.GetInt64(1));
}
var before = await Counts();
var xs = new List<double>(); for (int i = 0; i < 200; i++) xs.Add(await Round()); xs.Sort();
var after = await Counts();
await using (var s = new NpgsqlCommand("select pg_relation_size('ledger_accounts'), pg_relation_size('\"PK_ledger_accounts\"')", conn))
{
    await using var rd = await s.ExecuteReaderAsync(); await rd.ReadAsync();
    Console.WriteLine($"fillfactor {ff}: update p50 {xs[100]:F2} ms, p90 {xs[180]:F2}; of {after.Updates - before.Updates} row updates {after.Hot - before.Hot} HOT; heap {rd.GetInt64(0) / 1024} kB, primary key {rd.GetInt64(1) / 1024} kB");
}
