using System.Diagnostics;

namespace Credits.Benchmarks.Chaos;

/// <summary>
/// The faults, on a timeline relative to the expected length of the load: an Orchestrator killed with SIGKILL every
/// ~20 s (the two in turn) and started again at once; in parallel, a Gateway killed while HTTP requests are in flight
/// (at a quarter, and again at 60 % on runs of over three minutes), RabbitMQ restarted (at 45 %) and PostgreSQL
/// restarted with a fast shutdown (at 70 %, and again at 85 % on runs of over three minutes). A fault's action is never cancelled half-way: the run ends with every
/// instance up.
/// </summary>
public sealed class ChaosFaults(ChaosSystem system, Stopwatch clock)
{
    readonly List<Fault> _log = [];
    readonly SemaphoreSlim _hosts = new(1, 1);
    readonly bool[] _orchestratorDown = new bool[2];
    readonly bool[] _gatewayDown = new bool[2];

    public sealed record Fault(TimeSpan At, string What, TimeSpan Recovery);

    public IReadOnlyList<Fault> Log { get { lock (_log) return [.. _log]; } }

    public Task RunAsync(TimeSpan expected, TimeSpan killEvery, CancellationToken ct) =>
        Task.WhenAll(KillOrchestratorsAsync(killEvery, ct), OtherFaultsAsync(expected, ct));

    async Task KillOrchestratorsAsync(TimeSpan every, CancellationToken ct)
    {
        for (var i = 0; !ct.IsCancellationRequested; i = 1 - i)
        {
            // ~20 s: jittered, so a kill lands at any point of a consumer's or a saga's step.
            await Task.Delay(every * (0.75 + Random.Shared.NextDouble() / 2), ct);
            var instance = i;
            await FaultAsync($"SIGKILL Orchestrator {instance}", async () =>
            {
                _orchestratorDown[instance] = true;
                await system.KillOrchestratorAsync(instance);
                await StartAsync(() => system.StartOrchestratorAsync(instance));
                _orchestratorDown[instance] = false;
            });
        }
    }

    async Task OtherFaultsAsync(TimeSpan expected, CancellationToken ct)
    {
        var plan = new List<(double At, string What, Func<Task> Act)>
        {
            (0.25, "SIGKILL Gateway 0 under HTTP load", () => KillGatewayAsync(0)),
            (0.45, "RabbitMQ restart", system.RestartRabbitMqAsync),
            (0.70, "PostgreSQL fast restart", system.RestartPostgresAsync),
        };
        if (expected > TimeSpan.FromMinutes(3))
        {
            plan.Add((0.60, "SIGKILL Gateway 1 under HTTP load", () => KillGatewayAsync(1)));
            plan.Add((0.85, "PostgreSQL fast restart", system.RestartPostgresAsync));
        }
        // Each at its own time, not one after another: a Gateway start under load takes up to a minute, and the
        // faults after it must still fall inside the load (a short run once ended before its PostgreSQL restart).
        await Task.WhenAll(plan.Select(async fault =>
        {
            var due = expected * fault.At - clock.Elapsed;
            try
            {
                if (due > TimeSpan.Zero) await Task.Delay(due, ct);
            }
            catch (OperationCanceledException)
            {
                lock (_skipped) _skipped.Add(fault.What);
                return;
            }
            await FaultAsync(fault.What, fault.Act);
        }));
    }

    readonly List<string> _skipped = [];

    /// <summary>
    /// With --wedge-queue: at 80 % of the load (after the planned RabbitMQ restart), the Raft server of the usage batch
    /// queue is stopped, so the queue has no leader and refuses every publish: what a quorum queue that comes back from
    /// a restart without a leader looks like (rabbitmq/rabbitmq-server#10070, single-node RabbitMQ 3.8). Nothing in
    /// Credits can mend that; the run's operator must (<see cref="RestartBrokerAfterStallAsync"/>).
    /// </summary>
    public Task WedgeQueueAsync(TimeSpan expected, CancellationToken ct) => Task.Run(async () =>
    {
        var due = expected * 0.8 - clock.Elapsed;
        if (due > TimeSpan.Zero) await Task.Delay(due, ct);
        await FaultAsync("usage batch queue wedged (its Raft server stopped)",
            () => ChaosServices.RunAsync("stop-quorum-queue", system.VirtualHost.Name, "usage-batch-recorded"));
    }, ct);

    /// <summary>
    /// What an operator does when the broker takes no publishes for minutes and the Orchestrators cannot start: restart
    /// it. Done once per run, and reported as a fault of its own, so a run that needed it says so.
    /// </summary>
    public async Task RestartBrokerAfterStallAsync(TimeSpan stalled)
    {
        await FaultAsync($"RabbitMQ restarted by the operator after {stalled.TotalSeconds:N0} s without an acknowledgement", system.RestartRabbitMqAsync);
        OperatorRestarts++;
    }

    /// <summary>Broker restarts the run's operator had to make (see <see cref="RestartBrokerAfterStallAsync"/>).</summary>
    public int OperatorRestarts { get; private set; }

    /// <summary>Planned faults the load ended before (the run reports them as violations: a soak must do what it says).</summary>
    public IReadOnlyList<string> Skipped { get { lock (_skipped) return [.. _skipped]; } }

    async Task KillGatewayAsync(int i)
    {
        _gatewayDown[i] = true;
        await system.KillGatewayAsync(i);
        await StartAsync(() => system.StartGatewayAsync(i));
        _gatewayDown[i] = false;
    }

    async Task FaultAsync(string what, Func<Task> act)
    {
        var at = clock.Elapsed;
        ChaosScenario.Say($"fault at {at.TotalSeconds:N0} s: {what}");
        await act();
        var recovery = clock.Elapsed - at;
        lock (_log) _log.Add(new Fault(at, what, recovery));
        ChaosScenario.Say($"  {what}: back after {recovery.TotalSeconds:N1} s");
    }

    /// <summary>One host start at a time (<see cref="ChaosSystem"/> starts it again if it gives up): on two cores, starts in parallel starve each other.</summary>
    async Task StartAsync(Func<Task> start)
    {
        await _hosts.WaitAsync();
        try
        {
            await start();
        }
        finally
        {
            _hosts.Release();
        }
    }

    /// <summary>After the faults: every instance up (a fault cut short by the end of the load is finished here).</summary>
    public async Task EnsureAllRunningAsync()
    {
        for (var i = 0; i < 2; i++)
        {
            if (_orchestratorDown[i]) await StartAsync(() => system.StartOrchestratorAsync(i));
            if (_gatewayDown[i]) await StartAsync(() => system.StartGatewayAsync(i));
        }
    }
}
