using System.Net;
using System.Text.Json;
using Credits.Ledger.Archive;
using Credits.Ledger.Commands;
using Credits.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using Xunit;

namespace Credits.IntegrationTests.Archive;

/// <summary>
/// The Orchestrator's archive job on the real system: a customer's month, once old enough, becomes a chunk that reads
/// back as its entries, and the account's books are unchanged (docs/SCALING.md, section 6, step 4); an operator finds it
/// on the customer's console page and downloads it.
/// </summary>
public class LedgerArchiveJobTests(FrequentArchive system) : IClassFixture<FrequentArchive>
{
    [Fact]
    public async Task The_Orchestrator_archives_a_month_that_is_old_enough_and_leaves_the_books_as_they_were()
    {
        var customer = $"archive-{Guid.NewGuid():N}"[..24];
        await system.Accounts.OpenAsync(customer, "hobby");
        foreach (var (credits, note) in new[] { (12L, "chat"), (3L, "images, \"large\""), (1L, "") })
        {
            var debited = await system.Accounts.ApplyAsync(new DebitCredits
            {
                CustomerId = customer, IdempotencyKey = $"archive-usage:{customer}:{credits}", Credits = credits, Note = note,
            });
            Assert.True(debited.Succeeded, $"{debited.Outcome}: {debited.Reason}");
        }
        var booksBefore = await system.Accounts.BooksAsync(customer);

        // Four months on: the account's entries lie in a month the archive takes (the default keeps three).
        await LedgerAging.MoveEntriesBackAsync(system.Infrastructure.Database, customer, 4);
        await using var db = system.Accounts.NewDbContext();
        var entries = await db.Database.SqlQuery<int>($"SELECT count(*)::int AS \"Value\" FROM ledger_entries WHERE customer_id = {customer}").SingleAsync();

        await Eventually.True(async () => await db.Database.SqlQuery<int>(
                $"SELECT coalesce(sum(entries), 0)::int AS \"Value\" FROM ledger_archive_chunks WHERE customer_id = {customer}").SingleAsync() == entries,
            TimeSpan.FromSeconds(30), "the job archives the account's old month");

        var first = await db.Database.SqlQuery<long>(
            $"SELECT first_entry_id AS \"Value\" FROM ledger_archive_chunks WHERE customer_id = {customer}").SingleAsync();
        await using (var transaction = await db.Database.BeginTransactionAsync())
            Assert.Empty(await ArchiveCheck.VerifyAsync((NpgsqlConnection)db.Database.GetDbConnection(),
                (NpgsqlTransaction)transaction.GetDbTransaction(), customer, first, default));
        Assert.Equal(booksBefore, await system.Accounts.BooksAsync(customer));
        Assert.Equal(200 - 16, await system.Accounts.AvailableAsync(customer));

        // An operator sees the chunk on the customer's page and downloads it: the CSV of the entries, as checksummed.
        using var http = system.Client();
        var page = JsonDocument.Parse(await http.GetStringAsync($"/console/api/customers/{customer}")).RootElement;
        var listed = Assert.Single(page.GetProperty("archive").EnumerateArray());
        Assert.Equal((first, entries), (listed.GetProperty("firstEntryId").GetInt64(), listed.GetProperty("entries").GetInt32()));
        Assert.Equal(JsonValueKind.Null, listed.GetProperty("difference").ValueKind);

        using var download = await http.GetAsync($"/console/api/customers/{customer}/archive/{first}");
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal("application/gzip", download.Content.Headers.ContentType?.MediaType);
        var csv = ArchiveFormat.Decompress(await download.Content.ReadAsByteArrayAsync());
        Assert.Equal(Convert.ToHexStringLower(ArchiveFormat.Sha256(csv)), download.Headers.GetValues("X-Content-SHA256").Single());
        var lines = System.Text.Encoding.UTF8.GetString(csv).TrimEnd('\n').Split('\n');
        Assert.Equal(ArchiveFormat.Columns, lines[0]);
        Assert.Equal(entries, lines.Length - 1);
        Assert.Contains(lines, l => l.Contains("\"images, \"\"large\"\"\""));

        using var unknown = await http.GetAsync($"/console/api/customers/{customer}/archive/{first + 1_000_000}");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);
    }
}
