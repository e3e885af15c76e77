using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Playwright;
using Xunit;
using Xunit.Abstractions;

namespace Credits.BrowserTests;

/// <summary>The customer portal in a real browser, against the real system.</summary>
[Collection(SharedBrowserSystem.Name)]
public class PortalTests(BrowserSystem system, ITestOutputHelper output)
{
    [Fact]
    public async Task Usage_sent_through_the_api_appears_on_the_open_page_at_once()
    {
        var customer = "portal-live-" + Guid.NewGuid().ToString("N")[..12];
        await system.Accounts.OpenAsync(customer, "hobby");
        var (url, _) = await system.PortalLinkAsync(customer);
        var page = await system.NewPageAsync();

        await page.GotoAsync(url);
        await Assertions.Expect(page.Locator("#available")).ToHaveAttributeAsync("data-value", "200");
        await Assertions.Expect(page.Locator("#live")).ToHaveTextAsync("live");
        Assert.DoesNotContain("token=", page.Url); // moved out of the address bar

        await system.PostUsageAsync(customer, "live-1-" + customer, 42);
        // From the committed debit (the API's response) to the number on the page.
        var clock = Stopwatch.StartNew();
        await page.WaitForFunctionAsync("() => document.getElementById('available').dataset.value === '158'", null,
            new PageWaitForFunctionOptions { Timeout = 5_000, PollingInterval = 10 });
        var latency = clock.Elapsed;
        output.WriteLine($"usage POST response -> page shows the new balance: {latency.TotalMilliseconds:F0} ms");
        // The target is under a second (measured 116-831 ms on the shared two-core machine, see the output);
        // the assertion allows three so that a loaded CI machine does not fail a working page, and still fails
        // a page that only updates on reload or polling.
        Assert.True(latency < TimeSpan.FromSeconds(3), $"the page took {latency.TotalMilliseconds:F0} ms to show the debit");

        // The grants and the chart follow.
        await Assertions.Expect(page.Locator("#chart")).ToHaveAttributeAsync("data-total", "42");
        await Assertions.Expect(page.Locator("#grants")).ToContainTextAsync("158");
        await Assertions.Expect(page.Locator("#grants")).ToContainTextAsync("Plan allowance");
    }

    [Fact]
    public async Task The_page_shows_plans_with_a_preview_of_an_upgrade()
    {
        var customer = "portal-plans-" + Guid.NewGuid().ToString("N")[..12];
        await system.Accounts.OpenAsync(customer, "hobby");
        await system.PostUsageAsync(customer, "plans-1-" + customer, 37);
        var (url, _) = await system.PortalLinkAsync(customer);
        var page = await system.NewPageAsync();
        await page.GotoAsync(url);

        await Assertions.Expect(page.Locator("#current-plan")).ToHaveTextAsync("Hobby");
        await Assertions.Expect(page.Locator("#chart")).ToHaveAttributeAsync("data-total", "37");
        await page.GetByRole(AriaRole.Radio, new() { Name = "Pro", Exact = true }).CheckAsync();
        // The account's period began a minute ago: nearly the whole $20 difference is due now.
        await Assertions.Expect(page.Locator("#preview-headline")).ToHaveTextAsync("Upgrade now: $20.00 due today");
        await Assertions.Expect(page.Locator("#preview")).ToContainTextAsync("5,000 Pro credits");
        await Assertions.Expect(page.Locator("#change-plan")).ToHaveTextAsync("Upgrade and pay $20.00");
        await Screenshots.SaveAsync(page, "portal-preview");
        await page.GetByRole(AriaRole.Radio, new() { Name = "Hobby (current)", Exact = true }).CheckAsync();
        await Assertions.Expect(page.Locator("#preview")).ToBeHiddenAsync();
        await Assertions.Expect(page.Locator("#change-plan")).ToBeDisabledAsync();
    }

    [Fact]
    public async Task The_page_meets_wcag_aa_rules_and_works_from_the_keyboard()
    {
        var customer = "portal-a11y-" + Guid.NewGuid().ToString("N")[..12];
        await system.Accounts.OpenAsync(customer, "pro");
        await system.PostUsageAsync(customer, "a11y-1-" + customer, 12);
        var (url, _) = await system.PortalLinkAsync(customer);
        var page = await system.NewPageAsync();
        await page.GotoAsync(url);
        await Assertions.Expect(page.Locator("#chart")).ToHaveAttributeAsync("data-total", "12");

        await Accessibility.AssertNoViolationsAsync(page);

        // The first Tab reaches the skip link; the plan choice is a radio group the arrow keys move through.
        await page.Keyboard.PressAsync("Tab");
        await Assertions.Expect(page.Locator(".skip")).ToBeFocusedAsync();
        await page.GetByRole(AriaRole.Radio, new() { Name = "Pro (current)", Exact = true }).FocusAsync();
        await page.Keyboard.PressAsync("ArrowUp");
        await Assertions.Expect(page.GetByRole(AriaRole.Radio, new() { Name = "Hobby", Exact = true })).ToBeCheckedAsync();
        await Assertions.Expect(page.Locator("#preview-headline")).ToContainTextAsync("Downgrade at the end of this period");
        await Assertions.Expect(page.Locator("#preview-headline")).ToContainTextAsync("nothing due today");
        await Accessibility.AssertNoViolationsAsync(page);
    }

    [Fact]
    public async Task An_expired_link_is_refused_and_the_page_says_so()
    {
        var customer = "portal-expired-" + Guid.NewGuid().ToString("N")[..12];
        await system.Accounts.OpenAsync(customer, "hobby");
        var expired = PortalTokenForgery.Signed(customer, DateTimeOffset.UtcNow.AddSeconds(-5));

        using var http = system.Client(apiKey: null);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", expired);
        var response = await http.GetAsync("/portal/api/account");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("expired", problem.GetProperty("reason").GetString());

        var page = await system.NewPageAsync();
        await page.GotoAsync(new Uri(system.Gateway.BaseAddress, "/portal?token=" + Uri.EscapeDataString(expired)).ToString());
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("expired");
        await Assertions.Expect(page.Locator("#portal")).ToBeHiddenAsync();
        await Assertions.Expect(page.Locator("#available")).Not.ToBeVisibleAsync();
    }

    [Fact]
    public async Task A_tampered_link_is_refused_and_reads_nothing()
    {
        var victim = "portal-victim-" + Guid.NewGuid().ToString("N")[..12];
        var holder = "portal-holder-" + Guid.NewGuid().ToString("N")[..12];
        await system.Accounts.OpenAsync(victim, "pro");
        await system.Accounts.OpenAsync(holder, "hobby");
        var (url, _) = await system.PortalLinkAsync(holder);
        var token = Uri.UnescapeDataString(url[(url.IndexOf("token=", StringComparison.Ordinal) + 6)..]);
        var tampered = PortalTokenForgery.OtherCustomer(token, victim);
        var wrongKey = PortalTokenForgery.Signed(victim, DateTimeOffset.UtcNow.AddHours(1), key: "an-attackers-own-key-that-is-long-enough!!");

        using var http = system.Client(apiKey: null);
        foreach (var bad in new[] { tampered, wrongKey, "garbage", token + "x" })
        {
            foreach (var path in new[] { "/portal/api/account", "/portal/api/usage", "/portal/api/balance/stream?access_token=" + Uri.EscapeDataString(bad) })
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, path);
                if (!path.Contains("access_token")) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bad);
                var response = await http.SendAsync(request);
                Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{path} with {bad}: {(int)response.StatusCode}");
            }
        }
        // The query string is taken on the stream only, and an API key is no portal token.
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/portal/api/account?access_token=" + Uri.EscapeDataString(token))).StatusCode);
        using var withApiKey = system.Client();
        Assert.Equal(HttpStatusCode.Unauthorized, (await withApiKey.GetAsync("/portal/api/account")).StatusCode);

        var page = await system.NewPageAsync();
        await page.GotoAsync(new Uri(system.Gateway.BaseAddress, "/portal?token=" + Uri.EscapeDataString(tampered)).ToString());
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("not valid");
    }

    [Fact]
    public async Task A_gateway_with_a_short_signing_key_does_not_start_and_names_the_key()
    {
        var environment = system.HostEnvironment;
        environment["Portal__SigningKey"] = "too-short";
        await using var gateway = new Credits.Testing.HostProcess("Gateway", environment);
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => gateway.StartAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("Portal:SigningKey must be at least 32 bytes", failure.Message);
        Assert.DoesNotContain("too-short", failure.Message); // the secret itself is never printed
    }

    [Fact]
    public async Task A_portal_session_needs_an_api_key_and_a_known_customer()
    {
        using var anonymous = system.Client(apiKey: null);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync("/v1/customers/anyone/portal-sessions", null)).StatusCode);
        using var client = system.Client();
        var unknown = await client.PostAsync("/v1/customers/nobody-" + Guid.NewGuid().ToString("N") + "/portal-sessions", null);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);

        var customer = "portal-session-" + Guid.NewGuid().ToString("N")[..12];
        await system.Accounts.OpenAsync(customer, "hobby");
        var (url, expiresAt) = await system.PortalLinkAsync(customer);
        Assert.StartsWith(system.Gateway.BaseAddress + "portal?token=v1.", url);
        // Portal:SessionLifetime defaults to one hour.
        Assert.InRange(expiresAt - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(58), TimeSpan.FromMinutes(61));
    }
}
