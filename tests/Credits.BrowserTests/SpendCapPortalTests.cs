using System.Text.Json;
using Microsoft.Playwright;
using Xunit;

namespace Credits.BrowserTests;

/// <summary>The spending limit (spend cap, docs/spend-caps.md) on the portal: set in money, reached, told, raised.</summary>
[Collection(SharedBrowserSystem.Name)]
public class SpendCapPortalTests(BrowserSystem system)
{
    [Fact]
    public async Task A_customer_sets_a_spending_limit_in_money_sees_it_reached_and_raises_it()
    {
        var customer = "portal-cap-" + Guid.NewGuid().ToString("N")[..12];
        await system.Accounts.OpenAsync(customer, "pro");              // 5,000 credits, overage at 0.5 cents a credit
        var (url, _) = await system.PortalLinkAsync(customer);
        var page = await system.NewPageAsync();
        await page.GotoAsync(url);
        await Assertions.Expect(page.Locator("#available")).ToHaveAttributeAsync("data-value", "5000");
        await Assertions.Expect(page.Locator("#cap-used")).ToContainTextAsync("no limit");

        await page.Locator("#cap-enabled").CheckAsync();
        await page.Locator("#cap-amount").FillAsync("1.00");
        await page.Locator("#cap-save").ClickAsync();
        await Assertions.Expect(page.Locator("#cap-status")).ToContainTextAsync("limited to $1.00");
        Assert.Equal(200, (await SpendCapAsync(customer)).GetProperty("credits").GetInt64());   // $1.00 at $0.005 a credit

        // Past the limit the usage is written off, and the open page says so from the balance stream.
        await system.PostUsageAsync(customer, customer + "-a", 5250);
        await Assertions.Expect(page.Locator("#cap-reached")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#cap-reached")).ToContainTextAsync("Spending limit reached");
        await Assertions.Expect(page.Locator("#cap-used")).ToContainTextAsync("200 credits");
        await Screenshots.SaveAsync(page, "portal-spend-cap-reached");

        await page.Locator("#cap-amount").FillAsync("2.00");
        await page.Locator("#cap-save").ClickAsync();
        await Assertions.Expect(page.Locator("#cap-status")).ToContainTextAsync("limited to $2.00");
        await Assertions.Expect(page.Locator("#cap-reached")).ToBeHiddenAsync();
        Assert.False((await SpendCapAsync(customer)).GetProperty("reached").GetBoolean());

        await page.Locator("#cap-enabled").UncheckAsync();
        await page.Locator("#cap-save").ClickAsync();
        await Assertions.Expect(page.Locator("#cap-status")).ToContainTextAsync("no spending limit");
        Assert.Equal(JsonValueKind.Null, (await SpendCapAsync(customer)).GetProperty("credits").ValueKind);
    }

    async Task<JsonElement> SpendCapAsync(string customer)
    {
        using var client = system.Client();
        return JsonDocument.Parse(await client.GetStringAsync($"/v1/customers/{customer}/spend-cap")).RootElement;
    }
}
