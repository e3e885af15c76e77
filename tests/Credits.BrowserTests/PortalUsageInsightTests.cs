using System.Net;
using System.Net.Http.Json;
using Microsoft.Playwright;
using Xunit;

namespace Credits.BrowserTests;

/// <summary>The portal's usage by feature or model and by member, and the ledger downloaded as CSV, in a real browser.</summary>
[Collection(SharedBrowserSystem.Name)]
public class PortalUsageInsightTests(BrowserSystem system)
{
    [Fact]
    public async Task The_page_breaks_usage_down_by_model_and_downloads_the_ledger()
    {
        var customer = "portal-insight-" + Guid.NewGuid().ToString("N")[..12];
        await system.Accounts.OpenAsync(customer, "hobby");
        using (var client = system.Client())
        {
            var response = await client.PostAsJsonAsync("/v1/usage", new
            {
                events = new object[]
                {
                    new { eventId = "in-" + customer, customerId = customer, feature = "gpt-4o", quantity = 12_000, unit = "input-token", memberId = "ada" },
                    new { eventId = "img-" + customer, customerId = customer, feature = "image-gen", quantity = 1, unit = "image" },
                },
            });
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        var (url, _) = await system.PortalLinkAsync(customer);
        var page = await system.NewPageAsync();
        await page.GotoAsync(url);

        // 12,000 tokens at 0.00025 are 3 credits; one image 4.
        await Assertions.Expect(page.Locator("#chart")).ToHaveAttributeAsync("data-total", "7");
        var rows = page.Locator("#feature-rows tr");
        await Assertions.Expect(rows).ToHaveCountAsync(2);
        await Assertions.Expect(rows.Nth(0)).ToContainTextAsync("image-gen");
        await Assertions.Expect(rows.Nth(1)).ToContainTextAsync("gpt-4o");
        await Assertions.Expect(rows.Nth(1)).ToContainTextAsync("12,000 input-token");
        // A shared balance: what each member spent (the image had no member).
        await Assertions.Expect(page.Locator("#members")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#member-rows tr")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#member-rows")).ToContainTextAsync("ada");

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Download this period's ledger (CSV)" }).ClickAsync());
        Assert.EndsWith(".csv", download.SuggestedFilename);
        var csv = await File.ReadAllTextAsync((await download.PathAsync())!);
        Assert.StartsWith("id,recorded_at,occurred_at", csv);
        Assert.Contains(",gpt-4o,1,12000.000000,input-token,", csv);
    }
}
