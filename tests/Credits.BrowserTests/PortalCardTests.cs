using Credits.Testing;
using Microsoft.Playwright;
using Stripe;
using Xunit;

namespace Credits.BrowserTests;

/// <summary>
/// The portal's card flows end to end (docs/lifecycle/cards.md): a Hobby customer with no card upgrades to Pro and gives
/// the card on Stripe's hosted Checkout page (the emulator's, setup mode), comes back to the portal and sees Pro with its
/// credits; and a customer adds a card from the portal's "Add card" button.
/// </summary>
[Collection(SharedBrowserSystem.Name)]
public class PortalCardTests(BrowserSystem system)
{
    static readonly TimeSpan SagaTimeout = TimeSpan.FromSeconds(60);
    static readonly LocatorAssertionsToHaveAttributeOptions Slow = new() { Timeout = (float)SagaTimeout.TotalMilliseconds };

    [Fact]
    public async Task A_hobby_customer_with_no_card_upgrades_gives_the_card_on_checkout_and_comes_back_on_pro_with_its_credits()
    {
        var customer = "nocard-up-" + Guid.NewGuid().ToString("N")[..12];
        var stripeCustomerId = await RegisterAsync(customer);
        var (url, _) = await system.PortalLinkAsync(customer);
        var page = await system.NewPageAsync();
        await page.GotoAsync(url);
        await Assertions.Expect(page.Locator("#available")).ToHaveAttributeAsync("data-value", "200");
        await Assertions.Expect(page.Locator("#card-saved")).ToHaveTextAsync("No card saved yet.");

        await page.GetByRole(AriaRole.Radio, new() { Name = "Pro", Exact = true }).CheckAsync();
        await Assertions.Expect(page.Locator("#preview-headline")).ToContainTextAsync("Upgrade now:");
        await page.Locator("#change-plan").ClickAsync();

        // No card on file: the upgrade asks for one and the page goes to Stripe's Checkout page in setup mode.
        await system.WaitForUrlAsync(page, "/checkout/cs_", customer, CheckoutWait.Timeout);
        Assert.StartsWith(system.Stripe.BaseUrl.ToString().TrimEnd('/'), page.Url);
        await page.Locator("#pay").ClickAsync(); // "Save card with 4242 4242 4242 4242"
        await system.WaitForUrlAsync(page, "/portal", customer, SagaTimeout);

        var change = page.Locator("#operations tr", new() { HasText = "Upgrade from hobby to pro" });
        await Assertions.Expect(change).ToHaveAttributeAsync("data-status", "completed", Slow);
        await Assertions.Expect(page.Locator("#current-plan")).ToHaveTextAsync("Pro", new() { Timeout = (float)SagaTimeout.TotalMilliseconds });
        var available = await Eventually.Get(() => system.Accounts.AvailableAsync(customer), a => a > 200, SagaTimeout);
        Assert.InRange(available, 200 + 4_900, 200 + 5_000);
        await Assertions.Expect(page.Locator("#available")).ToHaveAttributeAsync("data-value", available.ToString(), Slow);
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("#card-saved")).ToContainTextAsync("ending in 4242");

        // Stripe: the card is the default of the customer and the subscription, and it paid the proration invoice.
        var stripe = system.Stripe.CreateClient();
        var stripeCustomer = await stripe.V1.Customers.GetAsync(stripeCustomerId);
        var subscription = Assert.Single((await stripe.V1.Subscriptions.ListAsync(new SubscriptionListOptions { Customer = stripeCustomerId })).Data);
        Assert.NotNull(stripeCustomer.InvoiceSettings.DefaultPaymentMethodId);
        Assert.Equal(stripeCustomer.InvoiceSettings.DefaultPaymentMethodId, subscription.DefaultPaymentMethodId);
        var proration = Assert.Single((await stripe.V1.Invoices.ListAsync(new InvoiceListOptions { Customer = stripeCustomerId })).Data,
            i => i.BillingReason == "subscription_update");
        Assert.Equal("paid", proration.Status);
    }

    [Fact]
    public async Task A_customer_adds_a_card_from_the_portal_and_sees_it()
    {
        var customer = "add-card-" + Guid.NewGuid().ToString("N")[..12];
        var stripeCustomerId = await RegisterAsync(customer);
        var (url, _) = await system.PortalLinkAsync(customer);
        var page = await system.NewPageAsync();
        await page.GotoAsync(url);
        await Assertions.Expect(page.Locator("#card-saved")).ToHaveTextAsync("No card saved yet.");

        await page.GetByRole(AriaRole.Button, new() { Name = "Add card" }).ClickAsync();
        await system.WaitForUrlAsync(page, "/checkout/cs_", customer, CheckoutWait.Timeout);
        await page.Locator("#pay").ClickAsync();
        await system.WaitForUrlAsync(page, "/portal", customer, SagaTimeout);

        var setup = page.Locator("#operations tr", new() { HasText = "Add or replace the card" });
        await Assertions.Expect(setup).ToHaveAttributeAsync("data-status", "completed", Slow);
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("#card-saved")).ToContainTextAsync("Visa ending in 4242");
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Replace card" })).ToBeVisibleAsync();

        var stripe = system.Stripe.CreateClient();
        var stripeCustomer = await stripe.V1.Customers.GetAsync(stripeCustomerId);
        var subscription = Assert.Single((await stripe.V1.Subscriptions.ListAsync(new SubscriptionListOptions { Customer = stripeCustomerId })).Data);
        Assert.NotNull(stripeCustomer.InvoiceSettings.DefaultPaymentMethodId);
        Assert.Equal(stripeCustomer.InvoiceSettings.DefaultPaymentMethodId, subscription.DefaultPaymentMethodId);
    }

    Task<string> RegisterAsync(string customer) => system.RegisterAsync(customer, "hobby", SagaTimeout);
}
