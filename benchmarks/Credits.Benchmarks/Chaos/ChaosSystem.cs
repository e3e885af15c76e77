using System.Diagnostics;
using Credits.Persistence;
using Credits.StripeEmulator.Hosting;
using Credits.Testing;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace Credits.Benchmarks.Chaos;

/// <summary>
/// The real system for the chaos soak, as an operator would run it on several machines, on one: two Orchestrator and
/// two Gateway processes (one database, one virtual host), a load balancer in front of the Gateways that Stripe's
/// webhooks and the HTTP callers go through, the offline Stripe emulator (in this process) with webhook duplicates
/// and reordering on, and a bus of this process for the producers. PostgreSQL and RabbitMQ are the "chaos" profile of
/// scripts/services.sh (scripts/chaos.sh starts them), so restarting them touches nothing else on the machine.
/// </summary>
public sealed class ChaosSystem : IAsyncDisposable
{
    public const string ApiKey = "chaos-key";
    const string WebhookSecret = "whsec_chaos";

    readonly Infrastructure _infrastructure = new();
    readonly Dictionary<string, string> _environment = [];
    readonly HostProcess?[] _orchestrators = new HostProcess?[2];
    readonly HostProcess?[] _gateways = new HostProcess?[2];
    readonly int[] _orchestratorPorts = [HostProcess.FreePort(), HostProcess.FreePort()];
    readonly int[] _gatewayPorts = [HostProcess.FreePort(), HostProcess.FreePort()];
    readonly List<string> _pastOutput = [];
    IBusControl? _bus;

    public RunningEmulator Stripe { get; private set; } = null!;
    public GatewayBalancer Balancer { get; private set; } = null!;
    public IBus Bus => _bus!;
    public string ConnectionString => _infrastructure.Database.ConnectionString;
    public RabbitMqVirtualHost VirtualHost => _infrastructure.VirtualHost;
    public bool QuorumQueues { get; }

    ChaosSystem(bool quorumQueues) => QuorumQueues = quorumQueues;

    public CreditsDbContext NewDbContext() =>
        new(new DbContextOptionsBuilder<CreditsDbContext>().UseNpgsql(ConnectionString).Options);

    public static async Task<ChaosSystem> StartAsync(bool quorumQueues, double webhookDuplicateRate, CancellationToken ct)
    {
        var system = new ChaosSystem(quorumQueues);
        try
        {
            await system.InitializeAsync(webhookDuplicateRate, ct);
            return system;
        }
        catch
        {
            await system.DisposeAsync();
            throw;
        }
    }

    async Task InitializeAsync(double webhookDuplicateRate, CancellationToken ct)
    {
        await _infrastructure.InitializeAsync();
        Environment.SetEnvironmentVariable("Logging__LogLevel__Default", "Warning");
        Balancer = await GatewayBalancer.StartAsync(_gatewayPorts);
        Stripe = await StripeEmulatorApp.StartAsync(o =>
        {
            o.AggregationDelay = TimeSpan.Zero;
            o.WebhookUrl = $"{Balancer.BaseAddress}webhooks/stripe";
            o.WebhookSecret = WebhookSecret;
            // Stripe sends an event more than once and not in order (https://docs.stripe.com/webhooks#handle-duplicate-events,
            // https://docs.stripe.com/webhooks#event-ordering): more of both than Stripe does, on purpose.
            o.WebhookDuplicateRate = webhookDuplicateRate;
            o.WebhookReorderWindow = TimeSpan.FromMilliseconds(500);
            // Stripe's own backoff in one-second units: an event refused during an outage comes back within a minute or two.
            o.WebhookRetryDelay = TimeSpan.FromSeconds(1);
        });
        foreach (var (key, value) in new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Catalog__SyncOnStart"] = "true",
            ["Postgres__ConnectionString"] = ConnectionString + ";Maximum Pool Size=60",
            ["RabbitMq__Url"] = _infrastructure.VirtualHost.Uri.ToString(),
            ["RabbitMq__QuorumQueues"] = QuorumQueues ? "true" : "false",
            ["Stripe__SecretKey"] = "sk_test_emulator",
            ["Stripe__WebhookSecret"] = WebhookSecret,
            ["Stripe__ApiBase"] = Stripe.BaseUrl.ToString().TrimEnd('/'),
            ["Stripe__MeterEventsBase"] = Stripe.BaseUrl.ToString().TrimEnd('/'),
            ["Logging__LogLevel__Default"] = "Warning",
            // Overage reaches Stripe within seconds, so the end of the run can compare meters with the ledger.
            ["Metering__FlushInterval"] = "00:00:05",
            ["Ledger__ExpirySweepInterval"] = "00:00:05",
            // The audit is not under test here; its hourly run would only add load.
            ["Audit__Interval"] = "00:00:00",
        }.WithApiKey(0, "chaos", ApiKey, ApiKeySettings.AllScopes)) _environment[key] = value;

        await using (var migrate = new HostProcess("Orchestrator", _environment))
            if (await migrate.RunToExitAsync(TimeSpan.FromMinutes(2), "migrate") != 0) throw new InvalidOperationException(migrate.Output);
        await Task.WhenAll(StartOrchestratorAsync(0), StartOrchestratorAsync(1), StartGatewayAsync(0), StartGatewayAsync(1));

        _bus = MassTransit.Bus.Factory.CreateUsingRabbitMq(cfg => cfg.Host(_infrastructure.VirtualHost.Uri, h => h.PublisherConfirmation = true));
        await _bus.StartAsync(ct);
    }

    public Task StartOrchestratorAsync(int i) => StartAsync(_orchestrators, i, "Orchestrator", _orchestratorPorts[i]);

    public Task StartGatewayAsync(int i) => StartAsync(_gateways, i, "Gateway", _gatewayPorts[i]);

    /// <summary>
    /// Starts the host as a supervisor would (docker-compose.yml's <c>restart: unless-stopped</c>): a host that gives up,
    /// because PostgreSQL or RabbitMQ was restarting or its start outlasted RabbitMq:StartDeadline (exit 75), is started
    /// again. This holds for the first start as for a start after a kill: on 2026-12-02 a CI run's first Orchestrator
    /// took its whole deadline to start its bus and the run ended there.
    /// </summary>
    async Task StartAsync(HostProcess?[] hosts, int i, string project, int port)
    {
        for (var attempt = 1; ; attempt++)
        {
            if (hosts[i] is { } old) await RetireAsync(old, project, i);
            var host = new HostProcess(project, _environment, port);
            hosts[i] = host;
            try
            {
                // On a loaded 2-core machine a start under load takes a while; the other instance carries on meanwhile.
                await host.StartAsync(TimeSpan.FromMinutes(4));
                return;
            }
            catch (Exception e) when (attempt < 5 && e is InvalidOperationException or TimeoutException)
            {
                // The message ends with the host's own output: its last lines say why it gave up, and the broker's
                // state says whether a queue it declares had no leader.
                var lines = e.Message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                ChaosScenario.Say($"  {project} {i} did not start ({e.GetType().Name}: {lines.FirstOrDefault()}); starting it again; its last lines:");
                foreach (var line in lines.Skip(1).TakeLast(8)) ChaosScenario.Say($"    DIAGNOSIS host said: {line[..Math.Min(300, line.Length)]}");
                await ChaosDiagnosis.PrintAsync(this, book: null, $"{project} {i} did not start");
                await Task.Delay(2000);
            }
        }
    }

    /// <summary>SIGKILL: no shutdown hooks, no flushing, messages in flight unacknowledged.</summary>
    public Task KillOrchestratorAsync(int i) => KillAsync(_orchestrators, i, "Orchestrator");

    public Task KillGatewayAsync(int i) => KillAsync(_gateways, i, "Gateway");

    async Task KillAsync(HostProcess?[] hosts, int i, string project)
    {
        if (hosts[i] is not { } host) return;
        using var kill = Process.Start("kill", ["-KILL", host.ProcessId!.Value.ToString()]);
        await kill!.WaitForExitAsync();
        await RetireAsync(host, project, i);
        hosts[i] = null;
    }

    async Task RetireAsync(HostProcess host, string project, int i)
    {
        var errors = Filtered(host.Output);
        if (errors.Length > 0) lock (_pastOutput) _pastOutput.Add($"--- {project} {i} (pid {host.ProcessId}) ---\n{errors}");
        await host.DisposeAsync();
    }

    public IEnumerable<int?> ProcessIds => _orchestrators.Concat(_gateways).Select(h => h?.ProcessId);

    public Task RestartPostgresAsync() => ChaosServices.RunAsync("restart-postgres");

    public Task RestartRabbitMqAsync() => ChaosServices.RunAsync("restart-rabbitmq");

    /// <summary>Errors and warnings the hosts wrote, killed ones included, for the report (the soak's logs stay next to its temp files).</summary>
    public string HostErrors()
    {
        var current = _orchestrators.Select((h, i) => (h, $"Orchestrator {i}")).Concat(_gateways.Select((h, i) => (h, $"Gateway {i}")))
            .Where(x => x.h is not null).Select(x => $"--- {x.Item2} (pid {x.h!.ProcessId}) ---\n{Filtered(x.h.Output)}");
        lock (_pastOutput) return string.Join('\n', _pastOutput.Concat(current));
    }

    static string Filtered(string output) =>
        string.Join('\n', output.Split('\n').Where(l => l.Length > 0 && !l.Contains("usage telemetry")));

    public async ValueTask DisposeAsync()
    {
        try { await File.WriteAllTextAsync(Path.Combine(Path.GetTempPath(), "credits-chaos-hosts.log"), HostErrors()); }
        catch (IOException) { }
        if (_bus is not null) await _bus.StopAsync(CancellationToken.None);
        foreach (var host in _gateways.Concat(_orchestrators)) if (host is not null) await host.DisposeAsync();
        if (Stripe is not null) await Stripe.DisposeAsync();
        if (Balancer is not null) await Balancer.DisposeAsync();
        await _infrastructure.DisposeAsync();
    }
}
