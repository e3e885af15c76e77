using Credits.Persistence;
using Credits.StripeEmulator.Hosting;
using Credits.Testing;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace Credits.Benchmarks;

/// <summary>
/// The real system for the saga load scenario, as tests/Credits.IntegrationTests/SystemUnderTest.cs builds it:
/// a fresh database and virtual host, the Orchestrator and the Gateway as their own processes (Release build,
/// production logging), the offline Stripe emulator in this process delivering its signed webhooks to the
/// Gateway, and a bus of this process that publishes the commands an app would.
/// </summary>
public sealed class SagaLoadSystem : IAsyncDisposable
{
    const string WebhookSecret = "whsec_benchmark";
    const string ApiKey = "benchmark-key";

    readonly Infrastructure _infrastructure = new();
    HostProcess? _orchestrator;
    HostProcess? _gateway;
    IBusControl? _bus;

    public RunningEmulator Stripe { get; private set; } = null!;
    public IBus Bus => _bus!;
    public HostProcess Orchestrator => _orchestrator!;
    public string ConnectionString => _infrastructure.Database.ConnectionString;

    public CreditsDbContext NewDbContext() =>
        new(new DbContextOptionsBuilder<CreditsDbContext>().UseNpgsql(ConnectionString).Options);

    public static async Task<SagaLoadSystem> StartAsync(CancellationToken ct)
    {
        var system = new SagaLoadSystem();
        try
        {
            await system.InitializeAsync(ct);
            return system;
        }
        catch
        {
            await system.DisposeAsync();
            throw;
        }
    }

    async Task InitializeAsync(CancellationToken ct)
    {
        await _infrastructure.InitializeAsync();
        // The in-process emulator reads its logging settings from this process's environment: keep its per-request lines out of the figures.
        Environment.SetEnvironmentVariable("Logging__LogLevel__Default", "Warning");
        var gatewayPort = HostProcess.FreePort();
        Stripe = await StripeEmulatorApp.StartAsync(o =>
        {
            o.AggregationDelay = TimeSpan.Zero;
            o.WebhookUrl = $"http://127.0.0.1:{gatewayPort}/webhooks/stripe";
            o.WebhookSecret = WebhookSecret;
            // Stripe delivers concurrently; serial delivery (~54 webhooks/s) was this benchmark's ceiling.
            o.WebhookConcurrency = 16;
        });
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            // The Orchestrator creates the catalog's products and prices in the emulator and resolves their ids at start.
            ["Catalog__SyncOnStart"] = "true",
            ["Postgres__ConnectionString"] = ConnectionString + ";Maximum Pool Size=100",
            ["RabbitMq__Url"] = _infrastructure.VirtualHost.Uri.ToString(),
            ["Stripe__SecretKey"] = "sk_test_emulator",
            ["Stripe__WebhookSecret"] = WebhookSecret,
            ["Stripe__ApiBase"] = Stripe.BaseUrl.ToString().TrimEnd('/'),
            ["Stripe__MeterEventsBase"] = Stripe.BaseUrl.ToString().TrimEnd('/'),
            ["Logging__LogLevel__Default"] = "Warning",
        }.WithApiKey(0, "benchmark", ApiKey, ApiKeySettings.AllScopes);
        await using (var migrate = new HostProcess("Orchestrator", environment))
            if (await migrate.RunToExitAsync(TimeSpan.FromMinutes(2), "migrate") != 0) throw new InvalidOperationException(migrate.Output);
        _orchestrator = new HostProcess("Orchestrator", environment);
        _gateway = new HostProcess("Gateway", environment, gatewayPort);
        // The Orchestrator waits up to 30 s for the catalog; on a loaded machine start-up takes longer than the default.
        await Task.WhenAll(_orchestrator.StartAsync(TimeSpan.FromMinutes(3)), _gateway.StartAsync(TimeSpan.FromMinutes(3)));

        _bus = MassTransit.Bus.Factory.CreateUsingRabbitMq(cfg => cfg.Host(_infrastructure.VirtualHost.Uri, h => h.PublisherConfirmation = true));
        await _bus.StartAsync(ct);
    }

    /// <summary>What the hosts wrote (without MassTransit's offline telemetry warnings), for a failure's message.</summary>
    public string HostOutput(int lastChars = 6000)
    {
        var text = $"--- Orchestrator ---\n{Filtered(_orchestrator?.Output)}\n--- Gateway ---\n{Filtered(_gateway?.Output)}";
        return text.Length <= lastChars ? text : text[^lastChars..];
    }

    static string Filtered(string? output) =>
        string.Join('\n', (output ?? "").Split('\n').Where(l => !l.Contains("usage telemetry")));

    /// <summary>The hosts' whole output, kept next to the run's temporary files for a look after it.</summary>
    public static string LogPath(string host) => Path.Combine(Path.GetTempPath(), $"credits-sagas-{host}.log");

    public async ValueTask DisposeAsync()
    {
        if (_orchestrator is not null) await File.WriteAllTextAsync(LogPath("orchestrator"), Filtered(_orchestrator.Output));
        if (_gateway is not null) await File.WriteAllTextAsync(LogPath("gateway"), Filtered(_gateway.Output));
        if (_bus is not null) await _bus.StopAsync(CancellationToken.None);
        if (_gateway is not null) await _gateway.DisposeAsync();
        if (_orchestrator is not null) await _orchestrator.DisposeAsync();
        if (Stripe is not null) await Stripe.DisposeAsync();
        await _infrastructure.DisposeAsync();
    }
}
