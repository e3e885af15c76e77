using Microsoft.Playwright;
using Xunit;

namespace Credits.BrowserTests;

/// <summary>
/// A system whose Stripe steps are delivered again 40 seconds after their quick retries (the default is a minute), and
/// whose Stripe calls are not retried below the step (neither by Stripe.net nor by <c>StripeCalls</c>), so that a test
/// can make the checkout step fail exactly its first delivery: four attempts, the first and its three quick retries.
/// </summary>
public sealed class SlowStepBrowserSystem : BrowserSystem
{
    protected override void Configure(Dictionary<string, string> environment)
    {
        environment["Sagas__StepRedelivery__Intervals__0"] = "00:00:40";
        environment["Stripe__MaxNetworkRetries"] = "0";
        environment["Stripe__TransientRetries"] = "0";
    }
}

/// <summary>
/// When Stripe fails the creation of a Checkout session, the saga's step is delivered again later; the portal must still
/// be waiting then. It gave up after about 30 seconds (before this test), so the customer saw "taking too long" and, clicking again, started
/// a second purchase, while the first one's page was created a moment later. A clean-clone CI run met this once, under
/// load, with the default one-minute redelivery.
/// </summary>
public class SlowCheckoutTests(SlowStepBrowserSystem system) : IClassFixture<SlowStepBrowserSystem>
{
    [Fact]
    public async Task The_portal_waits_for_a_checkout_page_whose_creation_is_delivered_again()
    {
        var customer = "slow-checkout-" + Guid.NewGuid().ToString("N")[..12];
        await system.RegisterAsync(customer);
        var (url, _) = await system.PortalLinkAsync(customer);
        var page = await system.NewPageAsync();
        await page.GotoAsync(url);
        await Assertions.Expect(page.Locator("#available")).ToHaveAttributeAsync("data-value", "200");

        // The first delivery and its three quick retries fail; the delivery 40 seconds later succeeds.
        await system.Stripe.Control.AddFaultAsync(new { method = "POST", path = "/v1/checkout/sessions", status = 500, times = 4 });
        await page.GetByRole(AriaRole.Button, new() { Name = "Buy 500 credits for $5.00" }).ClickAsync();
        await Assertions.Expect(page.Locator("#activity-status")).ToContainTextAsync("Still preparing the checkout page", new() { Timeout = 30_000 });

        // A clean-clone run (2026-12-02) stayed on the checkout page after the click: the waits report the page and hosts.
        await system.WaitForUrlAsync(page, "/checkout/cs_", customer, CheckoutWait.Timeout);
        await page.Locator("#pay").ClickAsync();
        await system.WaitForUrlAsync(page, "/portal", customer, CheckoutWait.Timeout);
        await Assertions.Expect(page.Locator("#available")).ToHaveAttributeAsync("data-value", "700", new() { Timeout = 60_000 });

        // One purchase, paid once: the customer never had to click again.
        await Assertions.Expect(page.Locator("#operations tr", new() { HasText = "500 credits" })).ToHaveCountAsync(1);
        Assert.Equal(700, await system.Accounts.AvailableAsync(customer));
    }
}
