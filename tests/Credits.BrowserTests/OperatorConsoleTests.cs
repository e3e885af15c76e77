using Credits.Billing.Audit;
using Credits.Ledger.Archive;
using Credits.Ledger.Model;
using Credits.Persistence;
using Credits.Persistence.Operators;
using Credits.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Xunit;

namespace Credits.BrowserTests;

/// <summary>
/// The console's operator actions in a real browser, against the real system (issue 13): a customer's page, a grant and
/// a revocation with the operator's name and reason, resolving an audit difference, running the audit, the operator log,
/// an archived month downloaded.
/// </summary>
[Collection(SharedBrowserSystem.Name)]
public class OperatorConsoleTests(BrowserSystem system)
{
    const string Actor = "alice via browser-tests";

    CreditsDbContext NewDbContext() =>
        new(new DbContextOptionsBuilder<CreditsDbContext>().UseNpgsql(system.Infrastructure.Database.ConnectionString).Options);

    [Fact]
    public async Task An_operator_grants_and_revokes_on_a_customers_page_resolves_a_difference_and_runs_the_audit()
    {
        var customer = "console-ops-" + Guid.NewGuid().ToString("N")[..12];
        await system.Accounts.OpenAsync(customer, "pro"); // 5,000 credits
        var difference = await ArrangeDifferenceAsync(customer);

        var page = await system.NewPageAsync();
        await page.GotoAsync(new Uri(system.Gateway.BaseAddress, "/console").ToString());
        await page.GetByLabel("API key").FillAsync(BrowserSystem.ApiKey);
        await page.GetByRole(AriaRole.Button, new() { Name = "Open the console" }).ClickAsync();
        await page.GetByLabel("Your name").FillAsync("alice");

        // The customer's page, from the customers list.
        await page.Locator($"#customers [data-open-customer='{customer}']").ClickAsync();
        var section = page.Locator("#customer-section");
        await Assertions.Expect(section).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#customer-facts [data-fact='Available']")).ToHaveTextAsync("5,000");
        await Assertions.Expect(section.Locator($"tr[data-difference='{difference.Id}']")).ToContainTextAsync(AuditKinds.PurchaseWithoutGrant);

        // A goodwill grant: the ledger entry and the log row show on the page.
        await page.Locator("#grant-credits").FillAsync("250");
        await page.Locator("#grant-reason").FillAsync("outage credit for ticket 4711");
        await page.GetByRole(AriaRole.Button, new() { Name = "Grant", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator("#action-result")).ToContainTextAsync("Granted 250 credits");
        await Assertions.Expect(page.Locator("#customer-facts [data-fact='Available']")).ToHaveTextAsync("5,250");
        await Assertions.Expect(page.Locator("#customer-entries tr[data-kind='Grant']").First).ToContainTextAsync("250");
        await Assertions.Expect(page.Locator("#customer-entries tr[data-kind='Grant']").First).ToContainTextAsync(Actor);
        await Assertions.Expect(page.Locator("#customer-actions")).ToContainTextAsync("outage credit for ticket 4711");
        await Assertions.Expect(page.Locator("#customer-actions")).ToContainTextAsync(Actor);

        // A revocation of more than is left would stop at zero; this one takes 100.
        await page.Locator("#revoke-credits").FillAsync("100");
        await page.Locator("#revoke-reason").FillAsync("granted twice by mistake");
        await page.GetByRole(AriaRole.Button, new() { Name = "Revoke", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator("#action-result")).ToContainTextAsync("Took back 100 of 100 credits");
        await Assertions.Expect(page.Locator("#customer-facts [data-fact='Available']")).ToHaveTextAsync("5,150");
        Assert.Equal(5_150, await system.Accounts.AvailableAsync(customer));

        // The difference, resolved from the audit section.
        var row = page.Locator($"#audit-differences tr[data-difference='{difference.Id}']");
        await row.GetByText("Resolve", new() { Exact = true }).First.ClickAsync();
        await row.GetByLabel("What was done").FillAsync("granted by hand above");
        await row.GetByLabel("Reason").FillAsync("customer paid, webhook lost");
        await row.GetByRole(AriaRole.Button, new() { Name = "Resolve" }).ClickAsync();
        await Assertions.Expect(page.Locator($"#audit-differences tr[data-difference='{difference.Id}']")).ToHaveAttributeAsync("data-status", "resolved");

        // Run audit now: queued, then run by the Orchestrator.
        await page.GetByLabel("Reason for running the audit now").FillAsync("after resolving 4711");
        await page.GetByRole(AriaRole.Button, new() { Name = "Run audit now" }).ClickAsync();
        await Assertions.Expect(page.Locator("#audit-runs tr[data-status='completed']").First).ToContainTextAsync(Actor,
            new() { Timeout = 60_000 });

        var log = page.Locator("#operator-log");
        foreach (var action in new[] { OperatorActionKinds.GrantCredits, OperatorActionKinds.RevokeCredits, OperatorActionKinds.ResolveAuditDifference,
                     OperatorActionKinds.RunAudit })
            await Assertions.Expect(log).ToContainTextAsync(action);

        await using var db = NewDbContext();
        var grants = await db.Set<LedgerEntry>().AsNoTracking()
            .Where(e => e.CustomerId == customer && e.Kind == EntryKind.Grant && e.Quantity == 250).ToListAsync();
        Assert.Single(grants);
        var actions = await db.Set<OperatorAction>().AsNoTracking().Where(a => a.CustomerId == customer).OrderBy(a => a.Id).ToListAsync();
        Assert.Equal([OperatorActionKinds.GrantCredits, OperatorActionKinds.RevokeCredits, OperatorActionKinds.ResolveAuditDifference],
            actions.Select(a => a.Action).ToList());
        Assert.All(actions, a => Assert.Equal(Actor, a.Actor));
        Assert.Equal(AuditDifferenceStatus.Resolved, (await db.Set<AuditDifference>().AsNoTracking().SingleAsync(d => d.Id == difference.Id)).Status);

        await Accessibility.AssertNoViolationsAsync(page);
        await Screenshots.SaveAsync(page, "console-operator-actions");
    }

    [Fact]
    public async Task An_action_without_the_operators_name_is_not_sent()
    {
        var customer = "console-ops-" + Guid.NewGuid().ToString("N")[..12];
        await system.Accounts.OpenAsync(customer, "hobby");

        var page = await system.NewPageAsync();
        await page.GotoAsync(new Uri(system.Gateway.BaseAddress, "/console").ToString());
        await page.GetByLabel("API key").FillAsync(BrowserSystem.ApiKey);
        await page.GetByRole(AriaRole.Button, new() { Name = "Open the console" }).ClickAsync();
        await page.Locator($"#customers [data-open-customer='{customer}']").ClickAsync();
        await page.Locator("#grant-credits").FillAsync("10");
        await page.Locator("#grant-reason").FillAsync("no name given");
        await page.GetByRole(AriaRole.Button, new() { Name = "Grant", Exact = true }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Type your name");
        Assert.Equal(200, await system.Accounts.AvailableAsync(customer));
        await using var db = NewDbContext();
        Assert.False(await db.Set<OperatorAction>().AnyAsync(a => a.CustomerId == customer));
    }

    [Fact]
    public async Task An_operator_downloads_an_archived_month_from_a_customers_page()
    {
        var customer = "console-archive-" + Guid.NewGuid().ToString("N")[..12];
        await system.Accounts.OpenAsync(customer, "hobby");
        // Four months on, the archiver, as the Orchestrator's job would run it, writes the account's month.
        await LedgerAging.MoveEntriesBackAsync(system.Infrastructure.Database, customer, 4);
        ArchiveOutcome outcome;
        do
        {
            await using var db = NewDbContext();
            outcome = await new LedgerArchiver(db, TimeProvider.System).ArchiveNextChunkAsync(customer, 3, default);
        } while (outcome == ArchiveOutcome.Busy);   // the Orchestrator's own run may hold the account for a moment, and archive it
        ArchivedChunk chunk;
        await using (var db = NewDbContext())
            chunk = await db.Set<ArchivedChunk>().AsNoTracking().SingleAsync(c => c.CustomerId == customer);

        var page = await system.NewPageAsync();
        await page.GotoAsync(new Uri(system.Gateway.BaseAddress, "/console").ToString());
        await page.GetByLabel("API key").FillAsync(BrowserSystem.ApiKey);
        await page.GetByRole(AriaRole.Button, new() { Name = "Open the console" }).ClickAsync();
        await page.Locator($"#customers [data-open-customer='{customer}']").ClickAsync();
        var row = page.Locator($"#customer-archive tr[data-chunk='{chunk.FirstEntryId}']");
        await Assertions.Expect(row).ToContainTextAsync(chunk.Month.ToString("yyyy-MM"));

        var download = await page.RunAndWaitForDownloadAsync(() => row.GetByRole(AriaRole.Button).ClickAsync());
        Assert.Equal($"{customer}-{chunk.Month:yyyy-MM}-{chunk.FirstEntryId}.csv.gz", download.SuggestedFilename);
        var csv = ArchiveFormat.Decompress(await File.ReadAllBytesAsync((await download.PathAsync())!));
        Assert.Equal(chunk.ContentSha256, ArchiveFormat.Sha256(csv));
        var lines = System.Text.Encoding.UTF8.GetString(csv).TrimEnd('\n').Split('\n');
        Assert.Equal(ArchiveFormat.Columns, lines[0]);
        Assert.Equal(chunk.Entries, lines.Length - 1);
        Assert.All(lines.Skip(1), l => Assert.Contains($"\"{customer}\"", l));

        await Accessibility.AssertNoViolationsAsync(page);
    }

    async Task<AuditDifference> ArrangeDifferenceAsync(string customer)
    {
        await using var db = NewDbContext();
        var now = DateTimeOffset.UtcNow;
        var difference = new AuditDifference
        {
            Id = Guid.NewGuid(), Kind = AuditKinds.PurchaseWithoutGrant, Subject = "pi_" + Guid.NewGuid().ToString("N")[..12], CustomerId = customer,
            StripeCustomerId = "cus_console", Expected = "one purchase grant of 500 credits", Actual = "no grant", OccurredAt = now.AddHours(-3),
            Evidence = """{"stripeIds":["pi_console"]}""", Status = AuditDifferenceStatus.Open, FirstRunId = Guid.NewGuid(), FoundAt = now,
            LastSeenAt = now,
        };
        difference.Fingerprint = $"{difference.Kind}:{difference.Subject}";
        db.Add(difference);
        await db.SaveChangesAsync();
        return difference;
    }
}
