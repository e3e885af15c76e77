using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Credits.Testing;
using Microsoft.Playwright;
using Stripe;
using Xunit;
using Xunit.Abstractions;

namespace Credits.BrowserTests;

/// <summary>
/// What customers do on the portal, end to end: the Gateway's commands, the sagas and their Stripe steps in the
/// Orchestrator, Stripe (the emulator, its hosted Checkout page included) and the ledger, seen through the page.
/// </summary>
[Collection(SharedBrowserSystem.Name)]
public class PortalFlowTests(BrowserSystem system, ITestOutputHelper output)
{
    static readonly TimeSpan SagaTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_customer_upgrades_pays_the_proration_with_the_saved_card_and_sees_the_new_balance()
    {
        var customer = "upgrade-" + Guid.NewGuid().ToString("N")[..12];
        var stripeCustomerId = await RegisterAsync(customer, "hobby");
        await SaveCardAsync(stripeCustomerId);
        await system.PostUsageAsync(customer, "upgrade-use-" + customer, 30);
        var (url, _) = await system.PortalLinkAsync(customer);
        var page = await system.NewPageAsync();
        await page.GotoAsync(url);
        await Assertions.Expect(page.Locator("#available")).ToHaveAttributeAsync("data-value", "170");

        await page.GetByRole(AriaRole.Radio, new() { Name = "Pro", Exact = true }).CheckAsync();
        await Assertions.Expect(page.Locator("#preview-headline")).ToContainTextAsync("Upgrade now:");
        var clock = Stopwatch.StartNew();
        await page.Locator("#change-plan").ClickAsync();

        var change = page.Locator("#operations tr", new() { HasText = "Upgrade from hobby to pro" });
        await Assertions.Expect(change).ToHaveAttributeAsync("data-status", "completed", new() { Timeout = (float)SagaTimeout.TotalMilliseconds });
        output.WriteLine($"upgrade clicked -> page shows it completed: {clock.Elapsed.TotalMilliseconds:F0} ms");
        await Assertions.Expect(page.Locator("#current-plan")).ToHaveTextAsync("Pro");
        await Assertions.Expect(page.GetByRole(AriaRole.Radio, new() { Name = "Pro (current)", Exact = true })).ToBeCheckedAsync();
        await Assertions.Expect(page.Locator("#change-plan")).ToHaveTextAsync("Change plan");
        await Assertions.Expect(page.Locator("#activity-status")).ToContainTextAsync("completed");

        // The page shows the ledger's balance: the Hobby allowance plus the prorated Pro allowance.
        var available = await Eventually.Get(() => system.Accounts.AvailableAsync(customer), a => a > 170, SagaTimeout);
        Assert.InRange(available, 170 + 4_900, 170 + 5_000);
        await Assertions.Expect(page.Locator("#available")).ToHaveAttributeAsync("data-value", available.ToString());
        await Assertions.Expect(page.Locator("#chart")).ToHaveAttributeAsync("data-total", "30");
        await Screenshots.SaveAsync(page, "portal");

        // Stripe charged the prorated difference of the flat fees to the saved card, once.
        var invoices = await system.Stripe.CreateClient().V1.Invoices.ListAsync(new InvoiceListOptions { Customer = stripeCustomerId });
        var proration = Assert.Single(invoices.Data, i => i.BillingReason == "subscription_update");
        Assert.Equal("paid", proration.Status);
        Assert.InRange(proration.AmountPaid, 1_950, 2_000);
    }

    [Fact]
    public async Task A_customer_buys_credits_on_the_checkout_page_and_sees_them_arrive()
    {
        var customer = "top-up-" + Guid.NewGuid().ToString("N")[..12];
        await RegisterAsync(customer, "hobby");
        var (url, _) = await system.PortalLinkAsync(customer);
        var page = await system.NewPageAsync();
        await page.GotoAsync(url);
        await Assertions.Expect(page.Locator("#available")).ToHaveAttributeAsync("data-value", "200");

        await page.GetByRole(AriaRole.Button, new() { Name = "Buy 500 credits for $5.00" }).ClickAsync();
        // Stripe's hosted Checkout page (the emulator's), then back to the portal.
        await system.WaitForUrlAsync(page, "/checkout/cs_", customer, CheckoutWait.Timeout);
        Assert.StartsWith(system.Stripe.BaseUrl.ToString().TrimEnd('/'), page.Url);
        await page.Locator("#pay").ClickAsync();
        await system.WaitForUrlAsync(page, "/portal", customer, SagaTimeout);
        await Assertions.Expect(page.Locator("#activity-status")).ToContainTextAsync("Payment received");

        await Assertions.Expect(page.Locator("#available")).ToHaveAttributeAsync("data-value", "700", new() { Timeout = (float)SagaTimeout.TotalMilliseconds });
        await Assertions.Expect(page.Locator("#grants")).ToContainTextAsync("Purchased");
        var purchase = page.Locator("#operations tr", new() { HasText = "500 credits" });
        await Assertions.Expect(purchase).ToHaveAttributeAsync("data-status", "completed");
        Assert.Equal(700, await system.Accounts.AvailableAsync(customer));

        // Auto top-up from the same page, with the keyboard-reachable form.
        await page.GetByLabel("Buy credits automatically when the balance runs low").CheckAsync();
        await page.GetByLabel("When available credits fall to").FillAsync("50");
        await page.GetByLabel("Buy", new() { Exact = true }).SelectOptionAsync("small");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save automatic top-up" }).ClickAsync();
        await Assertions.Expect(page.Locator("#auto-status")).ToHaveTextAsync("Saved: automatic top-up is on.");
        var policy = await Eventually.Get(async () =>
        {
            using var c = system.Client();
            var r = await c.GetAsync($"/v1/customers/{customer}/auto-top-up");
            return r.IsSuccessStatusCode ? JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement : (JsonElement?)null;
        }, p => p is { } found && found.GetProperty("enabled").GetBoolean(), SagaTimeout, "the auto top-up saga has the policy");
        Assert.Equal(50, policy!.Value.GetProperty("threshold").GetInt64());
        Assert.Equal(500, policy.Value.GetProperty("credits").GetInt64());
    }

    [Fact]
    public async Task A_declined_upgrade_shows_the_reason_and_leaves_the_plan_as_it_was()
    {
        var customer = "declined-" + Guid.NewGuid().ToString("N")[..12];
        var stripeCustomerId = await RegisterAsync(customer, "hobby");
        await SaveCardAsync(stripeCustomerId, "pm_card_chargeCustomerFail");
        var (url, _) = await system.PortalLinkAsync(customer);
        var page = await system.NewPageAsync();
        await page.GotoAsync(url);
        await Assertions.Expect(page.Locator("#available")).ToHaveAttributeAsync("data-value", "200");

        await page.GetByRole(AriaRole.Radio, new() { Name = "Pro", Exact = true }).CheckAsync();
        await Assertions.Expect(page.Locator("#preview-headline")).ToContainTextAsync("Upgrade now:");
        await page.Locator("#change-plan").ClickAsync();

        var change = page.Locator("#operations tr", new() { HasText = "Upgrade from hobby to pro" });
        await Assertions.Expect(change).ToHaveAttributeAsync("data-status", "failed", new() { Timeout = (float)SagaTimeout.TotalMilliseconds });
        await Assertions.Expect(change).ToContainTextAsync("declined");
        await Assertions.Expect(page.Locator("#activity-status")).ToContainTextAsync("failed");
        await Assertions.Expect(page.Locator("#current-plan")).ToHaveTextAsync("Hobby");
        Assert.Equal(200, await system.Accounts.AvailableAsync(customer));
        await Assertions.Expect(page.Locator("#available")).ToHaveAttributeAsync("data-value", "200");
    }

    /// <summary>POST /v1/customers and wait until the registration saga has made the customer active with its allowance.</summary>
    Task<string> RegisterAsync(string customer, string planId) => system.RegisterAsync(customer, planId, SagaTimeout);

    /// <summary>What the app's onboarding does: a card saved as the customer's default for invoices.</summary>
    async Task SaveCardAsync(string stripeCustomerId, string testCard = "pm_card_visa")
    {
        var stripe = system.Stripe.CreateClient();
        var card = await stripe.V1.PaymentMethods.AttachAsync(testCard, new PaymentMethodAttachOptions { Customer = stripeCustomerId });
        await stripe.V1.Customers.UpdateAsync(stripeCustomerId,
            new CustomerUpdateOptions { InvoiceSettings = new CustomerInvoiceSettingsOptions { DefaultPaymentMethod = card.Id } });
    }
}
