using Credits.Ledger.Archive;
using Credits.Ledger.Commands;
using Credits.Ledger.Tests.Support;
using Credits.Testing;
using Microsoft.EntityFrameworkCore;
using Xunit;

namespace Credits.Ledger.Tests;

/// <summary>
/// The ledger's archive (docs/SCALING.md, section 6, step 4) on the real PostgreSQL: a customer's months are archived
/// once they are old enough, each entry once, as chunks that PostgreSQL reads back as the same entries, with totals that
/// equal them; a chunk that was changed afterwards is caught.
/// </summary>
public class ArchiveTests(LedgerDatabase database) : IClassFixture<LedgerDatabase>
{
    static readonly DateTimeOffset December = Customer.PeriodEnd, January = new(2027, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>A customer with usage in November and December 2026, notes that CSV must quote, and a grant.</summary>
    async Task<Customer> CustomerWithTwoMonthsAsync()
    {
        var customer = new Customer(database);
        await customer.StartAsync("pro");
        await Note(customer, 40, "chat, \"gpt\"\nsecond line");
        await Note(customer, 2, "");
        await customer.DebitAsync(1200);                    // past the allowance: overage
        await customer.GrantAsync(500);
        customer.Clock.Set(December.AddHours(2));
        await customer.StartAsync("pro", start: December, end: January);
        await Note(customer, 7, "images");
        await customer.ReserveAsync(30);
        return customer;
    }

    static Task Note(Customer customer, long credits, string note) =>
        customer.Ledger.DebitAsync(new DebitCredits { CustomerId = customer.Id, IdempotencyKey = customer.NextKey(), Credits = credits, Note = note });

    Task<List<long>> IdsAsync(string sql) => database.QueryAsync(sql, r => r.GetInt64(0));

    /// <summary>The ids of the entries the customer's chunks cover, once for each chunk that covers it.</summary>
    Task<List<long>> ArchivedIdsAsync(string customerId) => IdsAsync($"""
        SELECT e.id FROM ledger_archive_chunks c JOIN ledger_entries e
          ON e.customer_id = c.customer_id AND e.id BETWEEN c.first_entry_id AND c.last_entry_id
        WHERE c.customer_id = '{customerId}' ORDER BY e.id
        """);

    [Fact]
    public async Task A_month_is_archived_once_it_is_old_enough_and_reads_back_as_its_entries()
    {
        await using var customer = await CustomerWithTwoMonthsAsync();
        var november = await IdsAsync($"SELECT id FROM ledger_entries WHERE customer_id = '{customer.Id}' AND recorded_at < '{December:O}' ORDER BY id");

        // 1 February: November is two whole months back, December is not yet.
        Assert.Equal(0, await database.ArchiveAsync(customer.Id, new DateTimeOffset(2027, 1, 31, 23, 0, 0, TimeSpan.Zero)));
        Assert.Equal(1, await database.ArchiveAsync(customer.Id, new DateTimeOffset(2027, 2, 1, 0, 0, 0, TimeSpan.Zero)));

        var chunk = Assert.Single(await database.QueryAsync(
            $"SELECT first_entry_id, last_entry_id, entries, month FROM ledger_archive_chunks WHERE customer_id = '{customer.Id}'",
            r => (First: r.GetInt64(0), Last: r.GetInt64(1), Entries: r.GetInt32(2), Month: r.GetFieldValue<DateTimeOffset>(3))));
        Assert.Equal((november[0], november[^1], november.Count), (chunk.First, chunk.Last, chunk.Entries));
        Assert.Equal(Customer.PeriodStart, chunk.Month);
        Assert.Empty(await database.VerifyChunkAsync(customer.Id, chunk.First));
        // The roll-up is the month's books: the same sums per kind and period as the entries themselves.
        Assert.Equal(
            await database.QueryAsync($"""
                SELECT kind, sum(amount)::bigint, sum(quantity)::bigint, count(*)::int FROM ledger_entries
                WHERE customer_id = '{customer.Id}' AND recorded_at < '{December:O}' GROUP BY kind ORDER BY kind
                """, r => (r.GetString(0), r.GetInt64(1), r.GetInt64(2), r.GetInt32(3))),
            await database.QueryAsync($"""
                SELECT kind, amount, quantity, entries FROM ledger_archive_totals WHERE customer_id = '{customer.Id}' ORDER BY kind
                """, r => (r.GetString(0), r.GetInt64(1), r.GetInt64(2), r.GetInt32(3))));
        // Nothing more until December is old enough: the cursor says when to look again.
        Assert.Equal(new DateTimeOffset(2027, 3, 1, 0, 0, 0, TimeSpan.Zero), await database.ScalarAsync<DateTime>(
            $"SELECT next_check_at FROM ledger_archive_cursors WHERE customer_id = '{customer.Id}'"));

        Assert.Equal(1, await database.ArchiveAsync(customer.Id, new DateTimeOffset(2027, 3, 1, 0, 0, 0, TimeSpan.Zero)));
        Assert.Equal(await IdsAsync($"SELECT id FROM ledger_entries WHERE customer_id = '{customer.Id}' ORDER BY id"), await ArchivedIdsAsync(customer.Id));
    }

    [Fact]
    public async Task The_archives_own_reader_reads_a_chunk_as_the_entries_quotes_line_breaks_and_nulls_included()
    {
        await using var customer = await CustomerWithTwoMonthsAsync();
        await database.ArchiveAsync(customer.Id, new DateTimeOffset(2027, 2, 1, 0, 0, 0, TimeSpan.Zero));
        var content = await database.ScalarAsync<byte[]>($"SELECT content FROM ledger_archive_chunks WHERE customer_id = '{customer.Id}'");

        var rows = ArchiveFormat.ReadRows(ArchiveFormat.Decompress(content!))
            .Select(r => (long.Parse(r[ArchiveFormat.Id]!), r[ArchiveFormat.IdempotencyKey], r[ArchiveFormat.GrantId], r[14])).ToList();

        Assert.Equal(await database.QueryAsync($"""
            SELECT id, idempotency_key, grant_id::text, note FROM ledger_entries
            WHERE customer_id = '{customer.Id}' AND recorded_at < '{December:O}' ORDER BY id
            """, r => (r.GetInt64(0), (string?)r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3))), rows);
        Assert.Contains(rows, r => r.Item4 == "chat, \"gpt\"\nsecond line");
        Assert.Contains(rows, r => r.Item4 == "");
    }

    [Fact]
    public async Task A_busy_month_takes_several_chunks_with_every_entry_in_exactly_one()
    {
        await using var customer = await CustomerWithTwoMonthsAsync();
        for (var i = 0; i < 9; i++) await customer.DebitAsync(1);

        Assert.True(await database.ArchiveAsync(customer.Id, new DateTimeOffset(2027, 3, 1, 0, 0, 0, TimeSpan.Zero), maxEntries: 3) >= 4);

        var chunks = await database.QueryAsync(
            $"SELECT first_entry_id, last_entry_id, entries FROM ledger_archive_chunks WHERE customer_id = '{customer.Id}' ORDER BY first_entry_id",
            r => (First: r.GetInt64(0), Last: r.GetInt64(1), Entries: r.GetInt32(2)));
        Assert.All(chunks, c => Assert.InRange(c.Entries, 1, 3));
        foreach (var c in chunks) Assert.Empty(await database.VerifyChunkAsync(customer.Id, c.First));
        var entries = await IdsAsync($"SELECT id FROM ledger_entries WHERE customer_id = '{customer.Id}' ORDER BY id");
        Assert.Equal(entries.Count, chunks.Sum(c => c.Entries));
        Assert.Equal(entries, await ArchivedIdsAsync(customer.Id));
    }

    [Fact]
    public async Task A_chunk_changed_after_it_was_archived_is_reported()
    {
        await using var customer = await CustomerWithTwoMonthsAsync();
        await database.ArchiveAsync(customer.Id, new DateTimeOffset(2027, 2, 1, 0, 0, 0, TimeSpan.Zero));
        var first = await database.ScalarAsync<long>($"SELECT first_entry_id FROM ledger_archive_chunks WHERE customer_id = '{customer.Id}'");
        var where = $"customer_id = '{customer.Id}' AND first_entry_id = {first}";

        await database.ExecuteAsync($"UPDATE ledger_archive_totals SET amount = amount - 1 WHERE {where} AND kind = 'Debit'");
        Assert.Contains(await database.VerifyChunkAsync(customer.Id, first), d => d.Contains("the roll-up says"));
        await database.ExecuteAsync($"UPDATE ledger_archive_totals SET amount = amount + 1 WHERE {where} AND kind = 'Debit'");

        await database.ExecuteAsync($"UPDATE ledger_entries SET quantity = quantity + 1 WHERE customer_id = '{customer.Id}' AND id = {first}");
        Assert.Contains(await database.VerifyChunkAsync(customer.Id, first), d => d.Contains($"entry {first}: the archive and the ledger differ"));
        await database.ExecuteAsync($"UPDATE ledger_entries SET quantity = quantity - 1 WHERE customer_id = '{customer.Id}' AND id = {first}");
        Assert.Empty(await database.VerifyChunkAsync(customer.Id, first));

        // Content rewritten without its checksum: a single byte of the CSV.
        var content = await database.ScalarAsync<byte[]>($"SELECT content FROM ledger_archive_chunks WHERE {where}");
        var csv = ArchiveFormat.Decompress(content!);
        csv[^2] = (byte)(csv[^2] == (byte)'1' ? '2' : '1');
        await using (var db = database.NewContext())
            await db.Database.ExecuteSqlAsync($"UPDATE ledger_archive_chunks SET content = {ArchiveFormat.Compress(csv)} WHERE customer_id = {customer.Id} AND first_entry_id = {first}");
        Assert.Equal(["the content does not match its SHA-256"], await database.VerifyChunkAsync(customer.Id, first));
    }

    [Fact]
    public async Task Chunks_are_read_back_again_when_due_and_what_differs_is_recorded_even_when_postgres_cannot_read_it()
    {
        await using var customer = await CustomerWithTwoMonthsAsync();
        var now = new DateTimeOffset(2027, 3, 1, 0, 0, 0, TimeSpan.Zero);
        Assert.Equal(2, await database.ArchiveAsync(customer.Id, now));
        var chunks = await IdsAsync($"SELECT first_entry_id FROM ledger_archive_chunks WHERE customer_id = '{customer.Id}' ORDER BY first_entry_id");

        // Content whose checksum matches but which is not the entries' CSV: PostgreSQL refuses it while reading it back.
        var garbled = System.Text.Encoding.UTF8.GetBytes(ArchiveFormat.Columns + "\nnot,a,ledger,entry\n");
        await using (var db = database.NewContext())
            await db.Database.ExecuteSqlAsync($"""
                UPDATE ledger_archive_chunks SET content = {ArchiveFormat.Compress(garbled)}, content_sha256 = {ArchiveFormat.Sha256(garbled)}
                WHERE customer_id = {customer.Id} AND first_entry_id = {chunks[0]}
                """);

        // Not due within the period: verified when they were archived. (The class's other tests have chunks of their own,
        // so what is read is looked at per chunk of this customer.)
        await VerifyDueAsync(now.AddDays(29), TimeSpan.FromDays(30));
        Assert.All(await RecordedAsync(), c => Assert.Equal((now, null), (c.VerifiedAt, c.Difference)));

        var (verified, differing) = await VerifyDueAsync(now.AddDays(31), TimeSpan.FromDays(30));
        Assert.True(verified >= 2 && differing >= 1, $"{verified} verified, {differing} with differences");
        var recorded = await RecordedAsync();
        Assert.All(recorded, c => Assert.Equal(now.AddDays(31), c.VerifiedAt));
        Assert.StartsWith("PostgreSQL cannot read the content back (22P02: invalid input syntax for type bigint", recorded[0].Difference);
        Assert.Null(recorded[1].Difference);

        // A chunk with a difference is read again an hour later, the sound one only after another period.
        await VerifyDueAsync(now.AddDays(31).AddHours(1), TimeSpan.FromDays(30));
        recorded = await RecordedAsync();
        Assert.Equal((now.AddDays(31).AddHours(1), now.AddDays(31)), (recorded[0].VerifiedAt, recorded[1].VerifiedAt));
        Assert.NotNull(recorded[0].Difference);

        Task<List<(DateTimeOffset VerifiedAt, string? Difference)>> RecordedAsync() => database.QueryAsync(
            $"SELECT verified_at, difference FROM ledger_archive_chunks WHERE customer_id = '{customer.Id}' ORDER BY first_entry_id",
            r => (r.GetFieldValue<DateTimeOffset>(0), r.IsDBNull(1) ? null : r.GetString(1)));
    }

    Task<(int Verified, int Differing)> VerifyDueAsync(DateTimeOffset now, TimeSpan every) => database.VerifyDueAsync(now, every, limit: 100);

    [Fact]
    public async Task An_account_that_another_instance_is_archiving_is_left_to_it()
    {
        await using var customer = await CustomerWithTwoMonthsAsync();
        var now = new DateTimeOffset(2027, 2, 1, 0, 0, 0, TimeSpan.Zero);
        Assert.Contains(customer.Id, await DueAsync(now));
        await database.ExecuteAsync($"INSERT INTO ledger_archive_cursors VALUES ('{customer.Id}', 0, '-infinity')");

        await using (var other = database.NewContext())
        await using (var held = await other.Database.BeginTransactionAsync())
        {
            await other.Database.ExecuteSqlAsync($"SELECT 1 FROM ledger_archive_cursors WHERE customer_id = {customer.Id} FOR UPDATE");
            var (_, db) = database.NewLedger(new ManualClock(now));
            await using (db)
                Assert.Equal(ArchiveOutcome.Busy, await new LedgerArchiver(db, new ManualClock(now)).ArchiveNextChunkAsync(customer.Id, 2, default));
        }

        Assert.Equal(1, await database.ArchiveAsync(customer.Id, now));
        Assert.DoesNotContain(customer.Id, await DueAsync(now));
        Assert.Contains(customer.Id, await DueAsync(new DateTimeOffset(2027, 3, 1, 0, 0, 0, TimeSpan.Zero)));
    }

    [Fact]
    public async Task Four_instances_archiving_the_same_accounts_at_once_archive_every_entry_once()
    {
        var customers = new List<Customer>();
        for (var i = 0; i < 6; i++)
        {
            var customer = await CustomerWithTwoMonthsAsync();
            for (var j = 0; j < 5; j++) await customer.DebitAsync(1);
            customers.Add(customer);
        }
        var now = new DateTimeOffset(2027, 3, 1, 0, 0, 0, TimeSpan.Zero);

        // Each instance walks every account until nothing is left to it; chunks of 2 entries make many transactions to race.
        await Task.WhenAll(Enumerable.Range(0, 4).Select(instance => Task.Run(async () =>
        {
            foreach (var customer in instance % 2 == 0 ? customers : Enumerable.Reverse(customers))
                await database.ArchiveAsync(customer.Id, now, maxEntries: 2);
        })));
        // What an instance passed over as busy, the next run takes.
        foreach (var customer in customers) await database.ArchiveAsync(customer.Id, now, maxEntries: 2);

        foreach (var customer in customers)
        {
            Assert.Equal(await IdsAsync($"SELECT id FROM ledger_entries WHERE customer_id = '{customer.Id}' ORDER BY id"), await ArchivedIdsAsync(customer.Id));
            await customer.DisposeAsync();
        }
    }

    async Task<IReadOnlyList<string>> DueAsync(DateTimeOffset now)
    {
        await using var db = database.NewContext();
        return await new LedgerArchiver(db, new ManualClock(now)).FindDueAccountsAsync(10_000, default);
    }
}
