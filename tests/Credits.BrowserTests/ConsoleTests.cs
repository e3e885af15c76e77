using System.Net;
using Credits.Billing.Audit;
using Credits.Contracts.Usage;
using Credits.Persistence;
using Credits.Sagas.StateMachines;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Xunit;

namespace Credits.BrowserTests;

/// <summary>The operator console in a real browser, against the real system.</summary>
[Collection(SharedBrowserSystem.Name)]
public class ConsoleTests(BrowserSystem system)
{
    [Fact]
    public async Task An_operator_sees_customers_failed_sagas_differences_and_dead_lettered_usage()
    {
        var customer = "console-" + Guid.NewGuid().ToString("N")[..12];
        await system.Accounts.OpenAsync(customer, "pro");
        await system.PostUsageAsync(customer, "console-use-" + customer, 120);
        var purchaseId = await ArrangeFailedPurchaseAsync(customer);
        await ArrangeDifferenceAsync(customer);
        // Usage for a customer without an account, over the bus: the Orchestrator dead-letters it with the reason.
        var ghost = "ghost-" + customer;
        await PublishUsageAsync(new UsageRecorded { EventId = "dead-" + customer, CustomerId = ghost, Credits = 7, OccurredAt = DateTimeOffset.UtcNow });
        await Credits.Testing.Eventually.Get(() => system.Infrastructure.VirtualHost.QueueDepthAsync("usage-recorded_error"), d => d >= 1,
            because: "the usage waits in the error queue");

        var page = await system.NewPageAsync();
        await page.GotoAsync(new Uri(system.Gateway.BaseAddress, "/console").ToString());
        await page.GetByLabel("API key").FillAsync(BrowserSystem.ApiKey);
        await page.GetByRole(AriaRole.Button, new() { Name = "Open the console" }).ClickAsync();

        var row = page.Locator($"tr[data-customer='{customer}']");
        await Assertions.Expect(row).ToContainTextAsync("pro");
        await Assertions.Expect(row).ToContainTextAsync("4,880"); // 5,000 - 120
        var saga = page.Locator($"tr[data-saga='{purchaseId}']");
        await Assertions.Expect(saga).ToHaveAttributeAsync("data-status", "failed");
        await Assertions.Expect(saga).ToContainTextAsync("The card was declined");
        await Assertions.Expect(page.Locator("#audit-differences")).ToContainTextAsync("meter_missing");
        var deadLetters = page.Locator("#dead-letters");
        await Assertions.Expect(deadLetters).ToContainTextAsync("dead-" + customer);
        await Assertions.Expect(deadLetters).ToContainTextAsync(ghost);
        await Assertions.Expect(deadLetters).ToContainTextAsync("unknown-customer");

        // Reading the dead letters took nothing off the queue.
        Assert.True(await system.Infrastructure.VirtualHost.QueueDepthAsync("usage-recorded_error") >= 1);
        await Accessibility.AssertNoViolationsAsync(page);
        await Screenshots.SaveAsync(page, "console");
    }

    [Fact]
    public async Task A_wrong_key_is_refused_and_the_console_api_needs_a_key()
    {
        using var anonymous = system.Client(apiKey: null);
        foreach (var path in new[] { "/console/api/customers", "/console/api/sagas", "/console/api/audit/differences", "/console/api/dead-letters" })
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(path)).StatusCode);
        using var wrong = system.Client(apiKey: "not-the-key");
        Assert.Equal(HttpStatusCode.Unauthorized, (await wrong.GetAsync("/console/api/customers")).StatusCode);

        var page = await system.NewPageAsync();
        await page.GotoAsync(new Uri(system.Gateway.BaseAddress, "/console").ToString());
        await page.GetByLabel("API key").FillAsync("not-the-key");
        await page.GetByLabel("API key").PressAsync("Enter"); // the keyboard alone works
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("refused");
        await Assertions.Expect(page.Locator("#console")).ToBeHiddenAsync();
    }

    CreditsDbContext NewDbContext() =>
        new(new DbContextOptionsBuilder<CreditsDbContext>().UseNpgsql(system.Infrastructure.Database.ConnectionString).Options);

    // The sagas are not wired into the Orchestrator on this branch: a failed purchase is arranged as the
    // top-up saga would leave it.
    async Task<Guid> ArrangeFailedPurchaseAsync(string customer)
    {
        await using var db = NewDbContext();
        var id = Guid.NewGuid();
        db.Add(new TopUpState
        {
            CorrelationId = id, CurrentState = "Cancelled", CustomerId = customer, StripeCustomerId = "cus_test", Credits = 500,
            Amount = 500, Currency = "usd", LastError = "The card was declined.", CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow,
        });
        await db.SaveChangesAsync();
        return id;
    }

    async Task ArrangeDifferenceAsync(string customer)
    {
        await using var db = NewDbContext();
        var now = DateTimeOffset.UtcNow;
        db.Add(new AuditDifference
        {
            Id = Guid.NewGuid(), Fingerprint = $"meter_missing:{customer}", Kind = "meter_missing", Subject = customer, CustomerId = customer,
            StripeCustomerId = "cus_test", Expected = "120", Actual = "100", OccurredAt = now, Status = AuditDifferenceStatus.Open,
            FoundAt = now, LastSeenAt = now,
        });
        await db.SaveChangesAsync();
    }

    async Task PublishUsageAsync(UsageRecorded usage)
    {
        var bus = Bus.Factory.CreateUsingRabbitMq(cfg => cfg.Host(system.Infrastructure.VirtualHost.Uri));
        await bus.StartAsync(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);
        try { await bus.Publish(usage); }
        finally { await bus.StopAsync(); }
    }
}
