using System.Net;
using System.Net.Http.Json;
using Microsoft.Playwright;
using Xunit;

namespace Credits.BrowserTests;

/// <summary>
/// The portal's promotion code form (docs/promotions.md): a customer redeems a code once, sees the credits arrive,
/// is told (not granted again) when redeeming it a second time, and reads why an unknown code was refused.
/// </summary>
[Collection(SharedBrowserSystem.Name)]
public class PortalPromotionTests(BrowserSystem system)
{
    [Fact]
    public async Task A_customer_redeems_a_code_once_in_the_portal_and_sees_the_credits()
    {
        var customer = "portal-promo-" + Guid.NewGuid().ToString("N")[..12];
        var code = "WELCOME-" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        await system.Accounts.OpenAsync(customer, "hobby");
        using (var client = system.Client())
        {
            var created = await client.PostAsJsonAsync("/console/api/promotions",
                new { code, credits = 300, grantExpiresAfterDays = 30, @operator = "erin", reason = "portal test" });
            Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        }
        var (url, _) = await system.PortalLinkAsync(customer);
        var page = await system.NewPageAsync();
        await page.GotoAsync(url);
        await Assertions.Expect(page.Locator("#available")).ToHaveAttributeAsync("data-value", "200");

        await page.GetByLabel("Code", new() { Exact = true }).FillAsync(code.ToLowerInvariant());
        await page.GetByRole(AriaRole.Button, new() { Name = "Redeem" }).ClickAsync();
        await Assertions.Expect(page.Locator("#promotion-status")).ToContainTextAsync($"300 credits added with {code}");
        await Assertions.Expect(page.Locator("#available")).ToHaveAttributeAsync("data-value", "500");
        await Assertions.Expect(page.Locator("#promotions")).ToContainTextAsync(code);
        await Assertions.Expect(page.Locator("#grants")).ToContainTextAsync("Promotion");

        // Again: the first redemption is shown, nothing more is granted.
        await page.GetByLabel("Code", new() { Exact = true }).FillAsync(code);
        await page.GetByRole(AriaRole.Button, new() { Name = "Redeem" }).ClickAsync();
        await Assertions.Expect(page.Locator("#promotion-status")).ToContainTextAsync($"You redeemed {code}");
        Assert.Equal(500, await system.Accounts.AvailableAsync(customer));

        await page.GetByLabel("Code", new() { Exact = true }).FillAsync("NO-SUCH-CODE");
        await page.GetByRole(AriaRole.Button, new() { Name = "Redeem" }).ClickAsync();
        await Assertions.Expect(page.Locator("#promotion-status")).ToContainTextAsync("There is no promotion code 'NO-SUCH-CODE'");
        Assert.Equal(500, await system.Accounts.AvailableAsync(customer));
        await Accessibility.AssertNoViolationsAsync(page);
    }

    [Fact]
    public async Task An_operator_creates_a_code_on_the_console_and_sees_it_listed()
    {
        var code = "CONSOLE-" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        var page = await system.NewPageAsync();
        await page.GotoAsync(new Uri(system.Gateway.BaseAddress, "/console").ToString());
        await page.GetByLabel("API key").FillAsync(BrowserSystem.ApiKey);
        await page.GetByRole(AriaRole.Button, new() { Name = "Open the console" }).ClickAsync();
        await page.GetByLabel("Your name").FillAsync("erin");

        var form = page.Locator("#promotion-form");
        await form.GetByLabel("Code").FillAsync(code.ToLowerInvariant());
        await form.GetByLabel("Credits", new() { Exact = true }).FillAsync("250");
        await form.GetByLabel("Redemptions in all (optional)").FillAsync("100");
        await form.GetByLabel("Why").FillAsync("spring campaign");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create code" }).ClickAsync();

        var row = page.Locator($"#promotions tr[data-code='{code}']");
        await Assertions.Expect(row).ToContainTextAsync("250");
        await Assertions.Expect(row).ToContainTextAsync("0 of 100");
        await Assertions.Expect(row).ToContainTextAsync("erin via browser-tests");
        await Accessibility.AssertNoViolationsAsync(page);
    }
}
