using Credits.Contracts.Usage;
using MassTransit;
using Microsoft.Playwright;
using Xunit;

namespace Credits.BrowserTests;

/// <summary>The console's Redrive button in a real browser, against the real system (RabbitMQ, the Orchestrator, the ledger).</summary>
[Collection(SharedBrowserSystem.Name)]
public class RedriveConsoleTests(BrowserSystem system)
{
    [Fact]
    public async Task An_operator_redrives_a_dead_letter_once_its_cause_is_fixed_and_the_usage_is_debited()
    {
        var customer = "redrive-ui-" + Guid.NewGuid().ToString("N")[..12];
        var eventId = "late-" + customer;
        // Usage for a customer not yet known: dead-lettered with its reason.
        var bus = Bus.Factory.CreateUsingRabbitMq(cfg => cfg.Host(system.Infrastructure.VirtualHost.Uri));
        await bus.StartAsync(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);
        try { await bus.Publish(new UsageRecorded { EventId = eventId, CustomerId = customer, Credits = 25, OccurredAt = DateTimeOffset.UtcNow }); }
        finally { await bus.StopAsync(); }
        await Credits.Testing.Eventually.Get(() => system.Infrastructure.VirtualHost.QueueDepthAsync("usage-recorded_error"), d => d >= 1,
            because: "the usage waits in the error queue");
        await system.Accounts.OpenAsync(customer, "pro"); // the cause, fixed

        var page = await system.NewPageAsync();
        // Who and why, asked in two prompts.
        var answers = new Queue<string>(["alice", "customer registered late"]);
        page.Dialog += async (_, dialog) => await dialog.AcceptAsync(answers.Dequeue());
        await page.GotoAsync(new Uri(system.Gateway.BaseAddress, "/console").ToString());
        await page.GetByLabel("API key").FillAsync(BrowserSystem.ApiKey);
        await page.GetByRole(AriaRole.Button, new() { Name = "Open the console" }).ClickAsync();

        var row = page.Locator("#dead-letters tr", new() { HasText = eventId });
        await row.GetByRole(AriaRole.Button, new() { NameRegex = new System.Text.RegularExpressions.Regex("^Redrive message") }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Moved 1 message" })).ToContainTextAsync("usage-recorded");
        await Credits.Testing.Eventually.Get(() => system.Accounts.AvailableAsync(customer), a => a == 5_000 - 25, because: "the redriven usage is debited");
        await page.GetByRole(AriaRole.Button, new() { Name = "Refresh" }).ClickAsync();
        await Assertions.Expect(page.Locator("#dead-letters")).Not.ToContainTextAsync(eventId);
        Assert.Empty(answers);
        await Accessibility.AssertNoViolationsAsync(page);
    }
}
