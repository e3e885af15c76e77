using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Credits.Testing;
using Microsoft.Playwright;
using Stripe;
using Xunit;

namespace Credits.BrowserTests;

/// <summary>The system with a Stripe test clock per customer, so a browser test can bring a renewal about.</summary>
public sealed class TestClockBrowserSystem : BrowserSystem
{
    protected override void Configure(Dictionary<string, string> environment) => environment["Catalog__TestClockPerCustomer"] = "true";
}

/// <summary>The portal's Subscription block (docs/lifecycle/cancel-and-dunning.md): cancel and resume, and the past-due banner.</summary>
public class LifecycleBrowserTests(TestClockBrowserSystem system) : IClassFixture<TestClockBrowserSystem>
{
    static readonly TimeSpan SagaTimeout = TimeSpan.FromSeconds(90);
    static readonly LocatorAssertionsToBeVisibleOptions Visible = new() { Timeout = (float)SagaTimeout.TotalMilliseconds };

    [Fact]
    public async Task A_customer_cancels_the_plan_and_resumes_it_before_the_period_end()
    {
        var (customer, stripeCustomerId, subscriptionId, _, _) = await ProCustomerAsync("portal-cancel");
        var (url, _) = await system.PortalLinkAsync(customer);
        var page = await system.NewPageAsync();
        await page.GotoAsync(url);

        await page.GetByRole(AriaRole.Button, new() { Name = "Cancel plan" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Resume" })).ToBeVisibleAsync(Visible);
        await Assertions.Expect(page.Locator("#lifecycle-status")).ToContainTextAsync("plan ends on");
        var stripe = system.Stripe.CreateClient();
        Assert.True((await stripe.V1.Subscriptions.GetAsync(subscriptionId)).CancelAtPeriodEnd);

        await page.GetByRole(AriaRole.Button, new() { Name = "Resume" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Cancel plan" })).ToBeVisibleAsync(Visible);
        await Assertions.Expect(page.Locator("#lifecycle-status")).ToContainTextAsync("renews automatically");
        Assert.False((await stripe.V1.Subscriptions.GetAsync(subscriptionId)).CancelAtPeriodEnd);
        Assert.Equal("active", (await stripe.V1.Subscriptions.GetAsync(subscriptionId)).Status);
        Assert.NotNull(stripeCustomerId);
    }

    [Fact]
    public async Task A_past_due_customer_sees_the_amount_and_a_link_to_pay_the_invoice()
    {
        var (customer, stripeCustomerId, subscriptionId, testClock, periodEnd) = await ProCustomerAsync("portal-due");
        var stripe = system.Stripe.CreateClient();
        var failing = await stripe.V1.PaymentMethods.AttachAsync("pm_card_chargeCustomerFail", new() { Customer = stripeCustomerId });
        await stripe.V1.Customers.UpdateAsync(stripeCustomerId, new() { InvoiceSettings = new() { DefaultPaymentMethod = failing.Id } });
        await stripe.V1.TestHelpers.TestClocks.AdvanceAsync(testClock, new() { FrozenTime = periodEnd.AddHours(2).UtcDateTime });
        await Eventually.Get(() => stripe.V1.TestHelpers.TestClocks.GetAsync(testClock), c => c.Status == "ready", SagaTimeout, "the test clock settles");
        var renewal = Assert.Single((await stripe.V1.Invoices.ListAsync(new() { Subscription = subscriptionId })).Data, i => i.BillingReason == "subscription_cycle");
        Assert.Equal("open", renewal.Status);

        // Credits has heard of it (invoice.payment_failed) before the customer opens the portal.
        using var http = system.Client();
        await Eventually.Get(async () => (await http.GetFromJsonAsync<JsonElement>($"/v1/customers/{customer}")).GetProperty("pastDue").ValueKind,
            k => k == JsonValueKind.Object, SagaTimeout, "the customer is past due");
        var (url, _) = await system.PortalLinkAsync(customer);
        var page = await system.NewPageAsync();
        await page.GotoAsync(url);
        await Assertions.Expect(page.Locator("#past-due")).ToBeVisibleAsync(Visible);
        await Assertions.Expect(page.Locator("#past-due")).ToContainTextAsync("$20.00");
        await Assertions.Expect(page.Locator("#pay-now")).ToHaveAttributeAsync("href", renewal.HostedInvoiceUrl);
    }

    async Task<(string Customer, string StripeCustomerId, string SubscriptionId, string TestClock, DateTimeOffset PeriodEnd)> ProCustomerAsync(string prefix)
    {
        var customer = $"{prefix}-{Guid.NewGuid():N}"[..30];
        using var http = system.Client();
        var response = await http.PostAsJsonAsync("/v1/customers", new { customerId = customer, email = $"{customer}@example.com", planId = "hobby" });
        Assert.True(response.StatusCode is HttpStatusCode.Accepted or HttpStatusCode.OK);
        var view = await Eventually.Get(async () =>
        {
            var r = await http.GetAsync($"/v1/customers/{customer}");
            return r.IsSuccessStatusCode ? JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement : (JsonElement?)null;
        }, v => v is { } found && found.GetProperty("state").GetString() == "active" && found.GetProperty("balance").ValueKind == JsonValueKind.Object,
            SagaTimeout, "the registration completes");
        var stripeCustomerId = view!.Value.GetProperty("stripeCustomerId").GetString()!;
        var stripe = system.Stripe.CreateClient();
        var card = await stripe.V1.PaymentMethods.AttachAsync("pm_card_visa", new() { Customer = stripeCustomerId });
        await stripe.V1.Customers.UpdateAsync(stripeCustomerId, new() { InvoiceSettings = new() { DefaultPaymentMethod = card.Id } });
        var upgrade = await (await http.PostAsJsonAsync($"/v1/customers/{customer}/plan", new { planId = "pro" })).Content.ReadFromJsonAsync<JsonElement>();
        var operation = upgrade.GetProperty("operationId").GetGuid();
        await Eventually.Get(async () => (await http.GetFromJsonAsync<JsonElement>($"/v1/operations/{operation}")).GetProperty("status").GetString(),
            s => s == "completed", SagaTimeout, "the upgrade completes");
        return (customer, stripeCustomerId, view.Value.GetProperty("subscription").GetProperty("id").GetString()!,
            (await stripe.V1.Customers.GetAsync(stripeCustomerId)).TestClockId!, view.Value.GetProperty("period").GetProperty("end").GetDateTimeOffset());
    }
}
