using System.Text.Json;
using Credits.Ledger.Commands;
using Credits.Ledger.Results;
using Credits.Testing;
using Microsoft.EntityFrameworkCore;
using Xunit;

namespace Credits.IntegrationTests.Archive;

/// <summary>
/// Retention on the real system, with <c>Ledger:RemoveArchivedEntries</c> on (docs/ledger-archive.md, "Removal"): once a
/// customer's month is archived, its entries leave the ledger; the balance stays, the history still shows every entry,
/// and a replay of the month's usage is still a duplicate, not a second debit.
/// </summary>
public class LedgerRemovalJobTests(FrequentRemovingArchive system) : IClassFixture<FrequentRemovingArchive>
{
    [Fact]
    public async Task An_archived_month_leaves_the_ledger_and_the_balance_history_and_duplicates_stay_as_they_were()
    {
        var customer = $"removal-{Guid.NewGuid():N}"[..24];
        await system.Accounts.OpenAsync(customer, "hobby");
        var usage = new[] { 12L, 3L, 1L }.Select(credits => new DebitCredits
        {
            CustomerId = customer, IdempotencyKey = $"removal-usage:{customer}:{credits}", Credits = credits, Note = "chat",
        }).ToList();
        foreach (var debit in usage) Assert.True((await system.Accounts.ApplyAsync(debit)).Succeeded);
        var (column, _) = await system.Accounts.BooksAsync(customer);
        using var http = system.Client();
        var before = await EntriesAsync(http, customer);

        // Four months on: the job archives the account's month and removes its entries.
        await LedgerAging.MoveEntriesBackAsync(system.Infrastructure.Database, customer, 4);
        await using var db = system.Accounts.NewDbContext();
        await Eventually.True(async () => await db.Database.SqlQuery<int>(
                $"SELECT count(*)::int AS \"Value\" FROM ledger_entries WHERE customer_id = {customer}").SingleAsync() == 0,
            TimeSpan.FromSeconds(30), "the job archives the account's old month and removes its entries");
        Assert.True(await db.Database.SqlQuery<bool>(
            $"SELECT bool_and(removed_at IS NOT NULL) AS \"Value\" FROM ledger_archive_chunks WHERE customer_id = {customer}").SingleAsync());

        // The balance column stands; the history reads the archive.
        Assert.Equal((column, 0L), await system.Accounts.BooksAsync(customer));
        Assert.Equal(200 - 16, await system.Accounts.AvailableAsync(customer));
        Assert.Equal(4, before.Count);
        Assert.Equal(before, await EntriesAsync(http, customer));

        // A replay of the month's usage is a duplicate with its figures; new usage is debited.
        var replay = await system.Accounts.ApplyAsync(usage[0]);
        Assert.Equal((LedgerOutcome.Duplicate, 12L), (replay.Outcome, replay.Debited));
        Assert.Equal(LedgerOutcome.Applied, (await system.Accounts.ApplyAsync(usage[0] with { IdempotencyKey = $"removal-usage:{customer}:new" })).Outcome);
        Assert.Equal(200 - 16 - 12, await system.Accounts.AvailableAsync(customer));
    }

    /// <summary>
    /// The entries on the customer's console page, as JSON text each, without the time recorded (the test moves it back
    /// four months to age the month).
    /// </summary>
    static async Task<List<string>> EntriesAsync(HttpClient http, string customer) =>
        [.. JsonDocument.Parse(await http.GetStringAsync($"/console/api/customers/{customer}")).RootElement
            .GetProperty("entries").EnumerateArray()
            .Select(e => string.Join(",", e.EnumerateObject().Where(p => p.Name != "recordedAt").Select(p => $"{p.Name}={p.Value.GetRawText()}")))];
}
