using System.Text.RegularExpressions;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Credits.StripeEmulator.Hosting;
using Credits.Testing;
using Microsoft.Playwright;
using Xunit;

namespace Credits.BrowserTests;

/// <summary>
/// The real system for the browser tests, as in the integration tests (its own database and virtual host, the
/// Orchestrator and the Gateway as processes, the Stripe emulator in-process), and a headless Chromium (Debian's
/// /usr/bin/chromium driven by Playwright's bundled driver, so nothing is downloaded). The classes without settings of
/// their own share one (<see cref="SharedBrowserSystem"/>); a class with settings has its own.
/// </summary>
public class BrowserSystem : IAsyncLifetime
{
    public const string ApiKey = "browser-test-key";
    public const string PortalSigningKey = "browser-tests-portal-signing-key-0123456789";
    const string WebhookSecret = "whsec_browser_tests";

    public Infrastructure Infrastructure { get; } = new() { Database = new() { Migrated = true } };
    public HostProcess Orchestrator { get; private set; } = null!;
    public HostProcess Gateway { get; private set; } = null!;
    public RunningEmulator Stripe { get; private set; } = null!;
    public IPlaywright Playwright { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;
    public Accounts Accounts => new(Infrastructure.Database.ConnectionString);

    public static string ChromiumPath => Environment.GetEnvironmentVariable("CREDITS_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    public Dictionary<string, string> HostEnvironment => Configured(new Dictionary<string, string>
    {
        ["Stripe__SecretKey"] = "sk_test_emulator",
        ["Stripe__WebhookSecret"] = WebhookSecret,
        ["Stripe__ApiBase"] = Stripe.BaseUrl.ToString().TrimEnd('/'),
        ["Stripe__MeterEventsBase"] = Stripe.BaseUrl.ToString().TrimEnd('/'),
        ["Catalog__SyncOnStart"] = "true",
        ["Metering__FlushInterval"] = "00:00:02",
        ["ASPNETCORE_ENVIRONMENT"] = "Testing",
        ["Postgres__ConnectionString"] = Infrastructure.Database.ConnectionString,
        ["RabbitMq__Url"] = Infrastructure.VirtualHost.Uri.ToString(),
        ["Portal__SigningKey"] = PortalSigningKey,
        // Stripe Checkout sends the customer back to this system's portal.
        ["Checkout__SuccessUrl"] = $"http://127.0.0.1:{_gatewayPort}/portal/checkout-complete?session_id={{CHECKOUT_SESSION_ID}}",
        ["Checkout__CancelUrl"] = $"http://127.0.0.1:{_gatewayPort}/portal/checkout-cancelled",
    }.WithApiKey(0, "browser-tests", ApiKey, ApiKeySettings.AllScopes));

    Dictionary<string, string> Configured(Dictionary<string, string> environment)
    {
        Configure(environment);
        return environment;
    }

    /// <summary>Settings a subclass adds for its tests (e.g. a Stripe test clock per customer).</summary>
    protected virtual void Configure(Dictionary<string, string> environment) { }

    readonly int _gatewayPort = HostProcess.FreePort();

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
            throw new InvalidOperationException($"Chromium is missing at {ChromiumPath}: run scripts/prerequisites.sh (apt-get install chromium).");
        await Infrastructure.InitializeAsync();
        var gatewayPort = _gatewayPort;
        Stripe = await StripeEmulatorApp.StartAsync(o =>
        {
            o.AggregationDelay = TimeSpan.Zero;
            o.WebhookUrl = $"http://127.0.0.1:{gatewayPort}/webhooks/stripe";
            o.WebhookSecret = WebhookSecret;
        });
        Orchestrator = new HostProcess("Orchestrator", HostEnvironment);
        Gateway = new HostProcess("Gateway", HostEnvironment, gatewayPort);
        await Task.WhenAll(Orchestrator.StartAsync(TimeSpan.FromSeconds(120)), Gateway.StartAsync(TimeSpan.FromSeconds(120)));

        Playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        // The machine is shared and slow at times: expectations wait up to 15 s (they pass as soon as they hold).
        Assertions.SetDefaultExpectTimeout(15_000);
        Browser = await Playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            // Chromium refuses to run as root with its sandbox; CI runs as root.
            Args = Environment.UserName == "root" ? ["--no-sandbox"] : [],
        });
    }

    public HttpClient Client(string? apiKey = ApiKey)
    {
        var client = new HttpClient { BaseAddress = Gateway.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        if (apiKey is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        return client;
    }

    /// <summary>POST /v1/customers/{id}/portal-sessions: the link the app would redirect its customer to.</summary>
    public async Task<(string Url, DateTimeOffset ExpiresAt)> PortalLinkAsync(string customerId)
    {
        using var client = Client();
        var response = await client.PostAsync($"/v1/customers/{customerId}/portal-sessions", null);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"portal session: {(int)response.StatusCode} {body}");
        var session = JsonDocument.Parse(body).RootElement;
        return (session.GetProperty("url").GetString()!, session.GetProperty("expiresAt").GetDateTimeOffset());
    }

    public async Task<IPage> NewPageAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(15_000);
        return page;
    }

    /// <summary>
    /// POST /v1/customers and wait until the customer is active with its allowance; returns the Stripe customer id. On a
    /// timeout the hosts' logs are written next to the test assembly (logs/), for the run's artefacts.
    /// </summary>
    public async Task<string> RegisterAsync(string customer, string planId = "hobby", TimeSpan? timeout = null)
    {
        using var client = Client();
        var response = await client.PostAsJsonAsync("/v1/customers", new { customerId = customer, email = $"{customer}@example.com", name = "Ada Lovelace", planId });
        Assert.True(response.StatusCode is System.Net.HttpStatusCode.Accepted or System.Net.HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        try
        {
            var view = await Eventually.Get(async () =>
            {
                using var c = Client();
                var r = await c.GetAsync($"/v1/customers/{customer}"); // 404 until the saga has its row
                return r.IsSuccessStatusCode ? JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement : (JsonElement?)null;
            }, v => v is { } found && found.GetProperty("state").GetString() == "active"
                    && found.TryGetProperty("balance", out var b) && b.ValueKind == JsonValueKind.Object,
                timeout ?? TimeSpan.FromSeconds(60), "the registration completes");
            return view!.Value.GetProperty("stripeCustomerId").GetString()!;
        }
        catch (TimeoutException)
        {
            await SaveLogsAsync(customer);
            throw;
        }
    }

    /// <summary>Writes both hosts' output under bin/.../logs, for a test that timed out.</summary>
    async Task SaveLogsAsync(string name)
    {
        var logs = Path.Combine(AppContext.BaseDirectory, "logs");
        Directory.CreateDirectory(logs);
        await File.WriteAllTextAsync(Path.Combine(logs, $"{name}-orchestrator.log"), Orchestrator.Output);
        await File.WriteAllTextAsync(Path.Combine(logs, $"{name}-gateway.log"), Gateway.Output);
    }

    /// <summary>
    /// For a wait in the browser that timed out: saves the hosts' output and returns the page's address and text and
    /// both hosts' last lines, for the failure's message (CI keeps only the test output).
    /// </summary>
    public async Task<string> TimeoutReportAsync(string name, IPage page)
    {
        await SaveLogsAsync(name);
        string text;
        try { text = await page.Locator("body").InnerTextAsync(new() { Timeout = 5_000 }); }
        catch (PlaywrightException e) { text = $"(the page could not be read: {e.Message})"; }
        return $"\npage {page.Url}:\n{text[..Math.Min(text.Length, 1500)]}\n" +
            $"Orchestrator, last lines:\n{Tail(Orchestrator.Output)}\nGateway, last lines:\n{Tail(Gateway.Output)}";

        static string Tail(string output) => string.Join('\n', output.Split('\n').TakeLast(40));
    }

    /// <summary>
    /// Waits for the page to reach an address (Stripe's Checkout page, or back to the portal); a wait that times out
    /// fails with <see cref="TimeoutReportAsync"/>'s report, because CI keeps only the test output.
    /// </summary>
    public async Task WaitForUrlAsync(IPage page, string pattern, string name, TimeSpan timeout)
    {
        try { await page.WaitForURLAsync(new Regex(pattern), new() { Timeout = (float)timeout.TotalMilliseconds }); }
        catch (TimeoutException e) { throw new TimeoutException(e.Message + await TimeoutReportAsync(name, page), e); }
    }

    public async Task PostUsageAsync(string customerId, string eventId, long credits)
    {
        using var client = Client();
        var response = await client.PostAsJsonAsync("/v1/usage", new { events = new[] { new { eventId, customerId, credits } } });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        Playwright?.Dispose();
        if (Gateway is not null) await Gateway.DisposeAsync();
        if (Orchestrator is not null) await Orchestrator.DisposeAsync();
        if (Stripe is not null) await Stripe.DisposeAsync();
        await Infrastructure.DisposeAsync();
    }
}
