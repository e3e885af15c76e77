using Microsoft.EntityFrameworkCore;
using System.Net.Http.Headers;
using Credits.StripeEmulator.Hosting;
using Credits.Testing;
using Xunit;

namespace Credits.IntegrationTests;

/// <summary>
/// The real system for one test class: its own database (a copy of the schema `Credits.Orchestrator migrate` made, <see cref="MigratedSchema"/>)
/// and virtual host, an Orchestrator and a Gateway as separate processes.
/// </summary>
public class SystemUnderTest : IAsyncLifetime
{
    public const string ApiKey = "integration-test-key";
    public const string WebhookSecret = "whsec_integration_tests";

    public Infrastructure Infrastructure { get; } = new() { Database = new() { Migrated = true } };
    public HostProcess Orchestrator { get; private set; } = null!;
    public HostProcess Gateway { get; private set; } = null!;
    public Accounts Accounts => new(Infrastructure.Database.ConnectionString);

    public RunningEmulator Stripe { get; private set; } = null!;

    public Dictionary<string, string> Environment
    {
        get
        {
            var environment = BaseEnvironment;
            Configure(environment);
            return environment;
        }
    }

    /// <summary>Settings a test class's system adds or overrides (e.g. Sagas:PlanChange:PaymentConfirmationTimeout).</summary>
    protected virtual void Configure(Dictionary<string, string> environment) { }

    /// <summary>Settings only the Gateway gets, over <see cref="Environment"/> (e.g. its PostgreSQL through a relay).</summary>
    protected virtual void ConfigureGateway(Dictionary<string, string> environment) { }

    Dictionary<string, string> GatewayEnvironment
    {
        get
        {
            var environment = Environment;
            ConfigureGateway(environment);
            return environment;
        }
    }

    Dictionary<string, string> BaseEnvironment => new Dictionary<string, string>
    {
        // The Orchestrator creates the catalog's products and prices in the emulator and resolves their ids.
        ["Catalog__SyncOnStart"] = "true",
        ["Stripe__SecretKey"] = "sk_test_emulator",
        ["Stripe__WebhookSecret"] = WebhookSecret,
        ["Stripe__ApiBase"] = Stripe.BaseUrl.ToString().TrimEnd('/'),
        ["Stripe__MeterEventsBase"] = Stripe.BaseUrl.ToString().TrimEnd('/'),
        ["Metering__FlushInterval"] = "00:00:02",
        ["ASPNETCORE_ENVIRONMENT"] = "Testing",
        ["Postgres__ConnectionString"] = Infrastructure.Database.ConnectionString,
        ["RabbitMq__Url"] = Infrastructure.VirtualHost.Uri.ToString(),
    }.WithApiKey(0, "integration-tests", ApiKey, ApiKeySettings.AllScopes);

    public async Task InitializeAsync()
    {
        await Infrastructure.InitializeAsync();
        var gatewayPort = _gatewayPort = HostProcess.FreePort();
        // The offline Stripe emulator, delivering its signed webhooks to this system's Gateway.
        Stripe = await StripeEmulatorApp.StartAsync(o =>
        {
            o.AggregationDelay = TimeSpan.Zero;
            o.WebhookUrl = $"http://127.0.0.1:{gatewayPort}/webhooks/stripe";
            o.WebhookSecret = WebhookSecret;
        });
        Orchestrator = new HostProcess("Orchestrator", Environment);
        Gateway = new HostProcess("Gateway", GatewayEnvironment, gatewayPort);
        await Task.WhenAll(Orchestrator.StartAsync(), Gateway.StartAsync());
    }

    /// <summary>kill -9 of the Orchestrator (no shutdown, nothing flushed), then a fresh process on the same database and vhost.</summary>
    public async Task KillAndRestartOrchestratorAsync(Func<Task>? whileDown = null)
    {
        Orchestrator.Kill();
        await Orchestrator.DisposeAsync();
        if (whileDown is not null) await whileDown();
        Orchestrator = new HostProcess("Orchestrator", Environment);
        await Orchestrator.StartAsync();
    }

    int _gatewayPort;

    /// <summary>
    /// kill -9 of the Gateway, <paramref name="whileDown"/> (Stripe's webhooks fail and are retried later, as when
    /// the endpoint is down), then a fresh Gateway on the same port, and Stripe's next retry of each failed webhook at
    /// once: its backoff doubles with every refusal, so after a minute down the next attempt can be a minute away, and
    /// waiting it out was most of these tests' time (docs/stripe-emulator.md, <c>/_emulator/deliveries/retry</c>).
    /// </summary>
    public async Task WithGatewayDownAsync(Func<Task> whileDown)
    {
        Gateway.Kill();
        await Gateway.DisposeAsync();
        try { await whileDown(); }
        finally
        {
            Gateway = new HostProcess("Gateway", GatewayEnvironment, _gatewayPort);
            await Gateway.StartAsync();
            await Stripe.Control.RetryDeliveriesNowAsync();
        }
    }

    /// <summary>Makes a message in the durable scheduler due now (Credits' clock reaching, say, a period end).</summary>
    public async Task FireScheduledNowAsync(Guid tokenId)
    {
        await using var db = Accounts.NewDbContext();
        var moved = await db.Database.ExecuteSqlAsync($"UPDATE scheduled_message SET due_time = now() WHERE token_id = {tokenId}");
        Assert.True(moved == 1, $"no scheduled message {tokenId}");
    }

    /// <summary>
    /// `Credits.Orchestrator audit` as an operator runs it: a process of its own on this system's database, Stripe and
    /// bus. Extra <paramref name="settings"/> (e.g. Audit__SettleTime=00:00:00) are added to its environment.
    /// </summary>
    public async Task<(int ExitCode, string Output)> RunAuditAsync(IReadOnlyDictionary<string, string>? settings = null, params string[] arguments)
    {
        var environment = new Dictionary<string, string>(Environment);
        foreach (var (key, value) in settings ?? new Dictionary<string, string>()) environment[key] = value;
        await using var audit = new HostProcess("Orchestrator", environment);
        var exit = await audit.RunToExitAsync(TimeSpan.FromSeconds(150), ["audit", .. arguments]);
        return (exit, audit.Output);
    }

    public HttpClient Client(string? apiKey = ApiKey)
    {
        var client = new HttpClient { BaseAddress = Gateway.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        if (apiKey is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        return client;
    }

    public async Task DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Orchestrator.DisposeAsync();
        if (Stripe is not null) await Stripe.DisposeAsync();
        await Infrastructure.DisposeAsync();
    }
}
