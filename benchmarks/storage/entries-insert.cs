#:package Npgsql
// The entries' insert of a 1,000-event usage batch, two ways (issue 16, seventeenth session in docs/BENCHMARKS.md):
// the ledger's multi-row INSERT from unnest arrays (LedgerStore.SaveAsync) and a binary COPY of the same rows, each in a
// transaction of its own, alternated; 60 warm-up rounds, then 100 measured. Run against a scratch database with the
// real schema, never Credits' own:
//   createdb scratch && Postgres__ConnectionString="Host=...;Database=scratch;..." dotnet src/Orchestrator/bin/Release/net10.0/Credits.Orchestrator.dll migrate
//   ENTRIES_DB="Host=...;Database=scratch;..." dotnet run benchmarks/storage/entries-insert.cs
// Drop an index between runs (e.g. DROP INDEX ix_ledger_entries_overage) to see what it costs. The table is truncated first.
using System.Diagnostics;
using Npgsql;
using NpgsqlTypes;

var cs = Environment.GetEnvironmentVariable("ENTRIES_DB") ?? throw new InvalidOperationException("Set ENTRIES_DB to a scratch database's connection string.");
await using var ds = NpgsqlDataSource.Create(cs);
await using var conn = await ds.OpenConnectionAsync();
await new NpgsqlCommand("TRUNCATE ledger_entries", conn).ExecuteNonQueryAsync();
var customers = Enumerable.Range(0, 1000).Select(i => $"cus_{i:D6}").ToArray();
var periodStart = new DateTime(2026, 12, 1, 0, 0, 0, DateTimeKind.Utc);
long round = 0;
// LedgerStore.SaveAsync's statement, copied (the ledger keeps it internal): change the two together.
const string insertSql = """
    INSERT INTO ledger_entries (customer_id, kind, amount, held_change, quantity, grant_id, reservation_id,
        idempotency_key, sequence, fingerprint, period_start, occurred_at, recorded_at, note, rate_id, native_quantity, member_ref)
    SELECT c, kind, amount, held, quantity, grant_id, reservation_id, key, seq, fingerprint, period, occurred, recorded, note, rate, native, member
    FROM unnest(@c, @kind, @amount, @held, @quantity, @grant, @reservation, @key, @seq, @fingerprint, @period, @occurred, @recorded, @note,
            @rate, @native, @member)
        WITH ORDINALITY AS t(c, kind, amount, held, quantity, grant_id, reservation_id, key, seq, fingerprint, period, occurred, recorded, note,
            rate, native, member, n)
    ORDER BY n
    """;
async Task<double> Unnest()
{
    var r = round++;
    var keys = customers.Select(c => $"evt-{r}-{c}").ToArray();
    var now = DateTime.UtcNow;
    var sw = Stopwatch.StartNew();
    await using var tx = await conn.BeginTransactionAsync();
    await using var cmd = new NpgsqlCommand(insertSql, conn, tx);
    cmd.Parameters.Add(new NpgsqlParameter<string[]>("c", customers));
    cmd.Parameters.Add(new NpgsqlParameter<string[]>("kind", customers.Select(_ => "Overage").ToArray()));
    cmd.Parameters.Add(new NpgsqlParameter<long[]>("amount", customers.Select(_ => -1L).ToArray()));
    cmd.Parameters.Add(new NpgsqlParameter<long[]>("held", customers.Select(_ => 0L).ToArray()));
    cmd.Parameters.Add(new NpgsqlParameter<long[]>("quantity", customers.Select(_ => 1L).ToArray()));
    cmd.Parameters.Add(new NpgsqlParameter<Guid?[]>("grant", customers.Select(_ => (Guid?)null).ToArray()));
    cmd.Parameters.Add(new NpgsqlParameter<Guid?[]>("reservation", customers.Select(_ => (Guid?)null).ToArray()));
    cmd.Parameters.Add(new NpgsqlParameter<string[]>("key", keys));
    cmd.Parameters.Add(new NpgsqlParameter<int[]>("seq", customers.Select(_ => 0).ToArray()));
    cmd.Parameters.Add(new NpgsqlParameter<long?[]>("fingerprint", customers.Select(_ => (long?)12345).ToArray()));
    cmd.Parameters.Add(new NpgsqlParameter<DateTime[]>("period", customers.Select(_ => periodStart).ToArray()));
    cmd.Parameters.Add(new NpgsqlParameter<DateTime[]>("occurred", customers.Select(_ => now).ToArray()));
    cmd.Parameters.Add(new NpgsqlParameter<DateTime[]>("recorded", customers.Select(_ => now).ToArray()));
    cmd.Parameters.Add(new NpgsqlParameter<string?[]>("note", customers.Select(_ => (string?)null).ToArray()));
    cmd.Parameters.Add(new NpgsqlParameter<int?[]>("rate", customers.Select(_ => (int?)null).ToArray()));
    cmd.Parameters.Add(new NpgsqlParameter<decimal?[]>("native", customers.Select(_ => (decimal?)null).ToArray()));
    cmd.Parameters.Add(new NpgsqlParameter<int?[]>("member", customers.Select(_ => (int?)null).ToArray()));
    await cmd.ExecuteNonQueryAsync();
    await tx.CommitAsync();
    return sw.Elapsed.TotalMilliseconds;
}
async Task<double> Copy()
{
    var r = round++;
    var now = DateTime.UtcNow;
    var sw = Stopwatch.StartNew();
    await using var tx = await conn.BeginTransactionAsync();
    await using (var w = await conn.BeginBinaryImportAsync("COPY ledger_entries (customer_id, kind, amount, held_change, quantity, grant_id, reservation_id, idempotency_key, sequence, fingerprint, period_start, occurred_at, recorded_at, note, rate_id, native_quantity, member_ref) FROM STDIN (FORMAT BINARY)"))
    {
        foreach (var c in customers)
        {
            await w.StartRowAsync();
            await w.WriteAsync(c, NpgsqlDbType.Text);
            await w.WriteAsync("Overage", NpgsqlDbType.Text);
            await w.WriteAsync(-1L, NpgsqlDbType.Bigint);
            await w.WriteAsync(0L, NpgsqlDbType.Bigint);
            await w.WriteAsync(1L, NpgsqlDbType.Bigint);
            await w.WriteNullAsync();
            await w.WriteNullAsync();
            await w.WriteAsync($"evt-{r}-{c}", NpgsqlDbType.Text);
            await w.WriteAsync(0, NpgsqlDbType.Integer);
            await w.WriteAsync(12345L, NpgsqlDbType.Bigint);
            await w.WriteAsync(periodStart, NpgsqlDbType.TimestampTz);
            await w.WriteAsync(now, NpgsqlDbType.TimestampTz);
            await w.WriteAsync(now, NpgsqlDbType.TimestampTz);
            await w.WriteNullAsync();
            await w.WriteNullAsync();
            await w.WriteNullAsync();
            await w.WriteNullAsync();
        }
        await w.CompleteAsync();
    }
    await tx.CommitAsync();
    return sw.Elapsed.TotalMilliseconds;
}
for (int i = 0; i < 60; i++) { await Unnest(); await Copy(); }
var u = new List<double>(); var c2 = new List<double>();
for (int i = 0; i < 100; i++) { u.Add(await Unnest()); c2.Add(await Copy()); }
u.Sort(); c2.Sort();
Console.WriteLine($"unnest p50 {u[50]:F2} ms p90 {u[90]:F2}; copy p50 {c2[50]:F2} ms p90 {c2[90]:F2}");
