using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Credits.Testing;
using Microsoft.Playwright;
using Stripe;
using Xunit;

namespace Credits.BrowserTests;

/// <summary>
/// The portal's "Invoices and receipts" (issue 14, item 6): a customer who upgraded and bought credits sees Stripe's
/// invoice and receipt and opens the hosted invoice page (the emulator's) from the list; with Stripe out of reach the
/// section says so and the rest of the portal works.
/// </summary>
[Collection(SharedBrowserSystem.Name)]
public class PortalInvoicesTests(BrowserSystem system)
{
    static readonly TimeSpan SagaTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_customer_sees_the_upgrade_invoice_and_the_top_up_receipt_and_opens_the_hosted_invoice_page()
    {
        var (customer, stripeCustomerId) = await UpgradedCustomerWithTopUpAsync("invoices");
        var stripe = system.Stripe.CreateClient();
        var invoice = Assert.Single((await stripe.V1.Invoices.ListAsync(new InvoiceListOptions { Customer = stripeCustomerId })).Data,
            i => i.BillingReason == "subscription_update");
        var (url, _) = await system.PortalLinkAsync(customer);
        var page = await system.NewPageAsync();

        await page.GotoAsync(url);

        var row = page.Locator($"#invoices tr[data-invoice='{invoice.Id}']");
        await Assertions.Expect(row).ToHaveAttributeAsync("data-status", "paid");
        await Assertions.Expect(row).ToContainTextAsync(invoice.Number);
        await Assertions.Expect(row).ToContainTextAsync($"${invoice.AmountPaid / 100m:0.00}");
        await Assertions.Expect(row.Locator(".badge")).ToHaveTextAsync("Paid");
        var receipt = page.Locator("#receipts tr").First;
        await Assertions.Expect(receipt).ToContainTextAsync("500");
        await Assertions.Expect(receipt).ToContainTextAsync("$5.00");
        await Assertions.Expect(receipt.GetByRole(AriaRole.Link, new() { NameRegex = new("^Receipt of") })).ToHaveAttributeAsync("href",
            new System.Text.RegularExpressions.Regex("/receipts/ch_"));
        await Accessibility.AssertNoViolationsAsync(page); // the section with its tables, badges and links

        // The hosted invoice page opens in a tab of its own, on Stripe (the emulator), showing this invoice as paid.
        var view = row.GetByRole(AriaRole.Link, new() { Name = $"View invoice {invoice.Number}" });
        await Assertions.Expect(view).ToHaveAttributeAsync("href", invoice.HostedInvoiceUrl);
        var hosted = await page.Context.RunAndWaitForPageAsync(() => view.ClickAsync());
        await hosted.WaitForLoadStateAsync();
        Assert.StartsWith(system.Stripe.BaseUrl.ToString().TrimEnd('/') + "/invoice/", hosted.Url);
        await Assertions.Expect(hosted.Locator("h1")).ToHaveTextAsync($"Invoice {invoice.Number}");
        await Assertions.Expect(hosted.Locator("#status")).ToHaveTextAsync("paid");
        await Assertions.Expect(page.Locator("#available")).ToBeVisibleAsync(); // the portal stayed where it was
    }

    [Fact]
    public async Task With_stripe_out_of_reach_the_section_says_so_the_balance_still_shows_and_try_again_recovers()
    {
        var (customer, stripeCustomerId) = await UpgradedCustomerWithTopUpAsync("stripe-down");
        var (url, _) = await system.PortalLinkAsync(customer);
        var page = await system.NewPageAsync();
        await system.Stripe.Control.AddFaultAsync(new { method = "GET", path = "/v1/invoices*", status = 503, rate = 1 });
        try
        {
            await page.GotoAsync(url);

            var problem = page.Locator("#invoices-status .alert");
            await Assertions.Expect(problem).ToContainTextAsync("Stripe unavailable", new() { Timeout = 45_000 });
            await Assertions.Expect(problem).ToHaveAttributeAsync("data-problem", "503");
            await Assertions.Expect(page.Locator("#invoices tr")).ToHaveCountAsync(0);
            await Assertions.Expect(page.Locator("#available")).ToHaveAttributeAsync("data-value", new System.Text.RegularExpressions.Regex("^[0-9]+$"));
            await Assertions.Expect(page.Locator("#current-plan")).ToHaveTextAsync("Pro");
        }
        finally
        {
            await system.Stripe.Control.ClearFaultsAsync();
        }

        await page.GetByRole(AriaRole.Button, new() { Name = "Try again" }).ClickAsync();
        await Assertions.Expect(page.Locator("#invoices-status .alert")).ToHaveCountAsync(0, new() { Timeout = 30_000 });
        var stripe = system.Stripe.CreateClient();
        var finalized = (await stripe.V1.Invoices.ListAsync(new InvoiceListOptions { Customer = stripeCustomerId })).Data.Count(i => i.Status != "draft");
        await Assertions.Expect(page.Locator("#invoices tr[data-invoice]")).ToHaveCountAsync(finalized);
    }

    /// <summary>A Hobby customer with a saved card who upgraded to Pro and bought the small pack on the card, all through the API.</summary>
    async Task<(string Customer, string StripeCustomerId)> UpgradedCustomerWithTopUpAsync(string prefix)
    {
        var customer = $"{prefix}-{Guid.NewGuid():N}"[..24];
        using var api = system.Client();
        var registered = await api.PostAsJsonAsync("/v1/customers", new { customerId = customer, email = $"{customer}@example.com", planId = "hobby" });
        Assert.True(registered.StatusCode is HttpStatusCode.Accepted or HttpStatusCode.OK, await registered.Content.ReadAsStringAsync());
        var view = await Eventually.Get(() => CustomerAsync(customer), v => v is { } found && found.GetProperty("state").GetString() == "active"
            && found.TryGetProperty("balance", out var b) && b.ValueKind == JsonValueKind.Object, SagaTimeout,
            "the registration completes");
        var stripeCustomerId = view!.Value.GetProperty("stripeCustomerId").GetString()!;
        var stripe = system.Stripe.CreateClient();
        var card = await stripe.V1.PaymentMethods.AttachAsync("pm_card_visa", new PaymentMethodAttachOptions { Customer = stripeCustomerId });
        await stripe.V1.Customers.UpdateAsync(stripeCustomerId,
            new CustomerUpdateOptions { InvoiceSettings = new CustomerInvoiceSettingsOptions { DefaultPaymentMethod = card.Id } });

        var upgrade = await api.PostAsJsonAsync($"/v1/customers/{customer}/plan", new { planId = "pro" });
        Assert.Equal(HttpStatusCode.Accepted, upgrade.StatusCode);
        await CompletedAsync(api, (await upgrade.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("operationId").GetGuid());

        using var topUp = new HttpRequestMessage(HttpMethod.Post, $"/v1/customers/{customer}/top-ups")
        {
            Content = JsonContent.Create(new { packId = "small", useSavedCard = true }),
        };
        topUp.Headers.Add("Idempotency-Key", $"receipt-{customer}");
        var bought = await api.SendAsync(topUp);
        Assert.True(bought.IsSuccessStatusCode, await bought.Content.ReadAsStringAsync());
        await CompletedAsync(api, (await bought.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("purchaseId").GetGuid());
        return (customer, stripeCustomerId);
    }

    async Task<JsonElement?> CustomerAsync(string customer)
    {
        using var api = system.Client();
        var response = await api.GetAsync($"/v1/customers/{customer}");
        return response.IsSuccessStatusCode ? JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement : null;
    }

    async Task CompletedAsync(HttpClient api, Guid operationId)
    {
        var operation = await Eventually.Get(async () =>
        {
            var response = await api.GetAsync($"/v1/operations/{operationId}");
            return response.IsSuccessStatusCode ? JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement : (JsonElement?)null;
        }, o => o?.GetProperty("status").GetString() is "completed" or "failed" or "rejected" or "cancelled", SagaTimeout, $"operation {operationId} ends");
        Assert.Equal("completed", operation!.Value.GetProperty("status").GetString());
    }
}
