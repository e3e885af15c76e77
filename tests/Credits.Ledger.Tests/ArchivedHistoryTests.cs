using Credits.Ledger.Commands;
using Credits.Ledger.Queries;
using Credits.Ledger.Tests.Support;
using Xunit;

namespace Credits.Ledger.Tests;

/// <summary>
/// A customer's history once a month has left the hot table (docs/ledger-archive.md, "Readers of archived months"):
/// the entry pages, the export and the usage breakdown read the archive for it, and show every entry and sum as they
/// did before, priced usage, notes and a member's usage included.
/// </summary>
public class ArchivedHistoryTests(LedgerDatabase database) : IClassFixture<LedgerDatabase>
{
    static readonly DateTimeOffset December = Customer.PeriodEnd, January = new(2027, 1, 1, 0, 0, 0, TimeSpan.Zero),
        February = new(2027, 2, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Pages_exports_and_usage_read_a_month_that_left_the_hot_table_as_they_read_it_before()
    {
        await PricedUsageSupport.PublishAsync(database);
        await using var customer = new Customer(database);
        await customer.StartAsync("pro", allowance: 10);
        // An hour between operations, so that an export from the middle of the month has somewhere to start.
        customer.Clock.Advance(TimeSpan.FromHours(1));
        await customer.Ledger.DebitAsync(new DebitCredits { CustomerId = customer.Id, IdempotencyKey = customer.NextKey(), Credits = 4, Note = "chat, \"gpt\"\nsecond line" });
        customer.Clock.Advance(TimeSpan.FromHours(1));
        await customer.Ingestion(database).DebitAsync([customer.Tokens(3, "images", feature: "image-gen", unit: "image")], default);
        customer.Clock.Advance(TimeSpan.FromHours(1));
        await customer.GrantAsync(25);
        await customer.ReserveAsync(5);
        await customer.DebitAsync(30);                                  // past what is left: overage
        await customer.Ledger.DebitAsync(new DebitCredits { CustomerId = customer.Id, IdempotencyKey = customer.NextKey(), Credits = 2, Note = "chat", MemberId = "alice" });
        customer.Clock.Set(December.AddHours(1));
        await customer.StartAsync("pro", start: December, end: January);
        await customer.DebitAsync(2);

        var pages = await AllPagesAsync(customer, limit: 3);
        var november = await ExportAsync(customer, Customer.PeriodStart, December);
        var everything = await ExportAsync(customer, Customer.PeriodStart.AddMonths(-1), February);
        var usage = await UsageAsync(customer, Customer.PeriodStart.AddMonths(-1), February);
        var laterUsage = await UsageAsync(customer, Customer.PeriodStart.AddHours(2), December.AddDays(5));
        Assert.Contains("\"Unit\":\"image\"", usage);
        Assert.Contains("\"MemberId\":\"alice\"", usage);
        Assert.Contains(pages, e => e.Pricing is { Unit: "image" });
        Assert.Equal(everything.Count, pages.Count);

        Assert.True(await database.ArchiveAsync(customer.Id, February, maxEntries: 3) >= 3);
        Assert.Equal(november.Count, await database.RemoveArchivedAsync(customer.Id, February));

        Assert.Equal(pages, await AllPagesAsync(customer, limit: 3));
        Assert.Equal(pages.Take(1), (await customer.Ledger.GetEntriesAsync(customer.Id, limit: 1)).Entries);
        Assert.Equal(november, await ExportAsync(customer, Customer.PeriodStart, December));
        Assert.Equal(everything, await ExportAsync(customer, Customer.PeriodStart.AddMonths(-1), February));
        Assert.Equal(november.Skip(2), await ExportAsync(customer, november[2].RecordedAt, December));
        Assert.Equal(usage, await UsageAsync(customer, Customer.PeriodStart.AddMonths(-1), February));
        Assert.Equal(laterUsage, await UsageAsync(customer, Customer.PeriodStart.AddHours(2), December.AddDays(5)));
    }

    static async Task<List<LedgerEntryView>> AllPagesAsync(Customer customer, int limit)
    {
        var all = new List<LedgerEntryView>();
        long? before = null;
        do
        {
            var page = await customer.Ledger.GetEntriesAsync(customer.Id, before, limit);
            Assert.InRange(page.Entries.Count, page.NextBefore is null ? 0 : limit, limit);
            all.AddRange(page.Entries);
            before = page.NextBefore;
        } while (before is not null);
        Assert.Equal(all.OrderByDescending(e => e.Id), all);
        return all;
    }

    /// <summary>The usage breakdown as JSON: its lists compare by content that way.</summary>
    static async Task<string> UsageAsync(Customer customer, DateTimeOffset from, DateTimeOffset to) =>
        System.Text.Json.JsonSerializer.Serialize(await customer.Ledger.GetUsageBreakdownAsync(customer.Id, from, to));

    static async Task<List<LedgerEntryView>> ExportAsync(Customer customer, DateTimeOffset from, DateTimeOffset to)
    {
        var entries = new List<LedgerEntryView>();
        await customer.Ledger.ExportEntriesAsync(customer.Id, from, to, e => { entries.Add(e); return Task.CompletedTask; });
        return entries;
    }
}
