using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Credits.Contracts.Usage;
using Credits.Ledger;
using Credits.Ledger.Commands;
using Credits.Ledger.Plans;
using Credits.StripeEmulator.Hosting;
using Credits.Testing;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Credits.Benchmarks;

/// <summary>
/// The usage ingestion load tool (issue 4, item 8). The Orchestrator and Gateway run as their own
/// processes (Release build); this process is the producer. Measures, in one run: a no-op MassTransit
/// consumer's rate (baseline), single UsageRecorded messages and UsageBatchRecorded messages from publish
/// to committed debit, one hot customer, publish-to-visible latency at half the single-event peak, the
/// reservation round trip over HTTP, and the Orchestrator's peak RSS. Durable queues, publisher confirms;
/// classic queues unless --queues quorum (docs/BENCHMARKS.md, sixteenth session, on why the choice moves the
/// single row's ratio). Build first: dotnet build -c Release Credits.sln
/// </summary>
public sealed class IngestionLoadScenario : IBenchmarkScenario
{
    public string Name => "ingestion";
    public string Description => "usage events/s publish->committed debit, p50/p99 publish->visible, hot customer, reservation RTT, Orchestrator RSS (options: --events 50000 --customers 1000 --only no-op,single,batch,hot,latency,reservation --reservations 500 --priced true|false --queues classic|quorum)";

    const string ApiKey = "benchmark-key";
    const string WebhookSecret = "whsec_benchmark";
    static readonly PlanCatalog Plans = new([new PlanDefinition { Id = "pro", DisplayName = "Pro", IncludedCredits = 1, OverageAllowed = true }]);

    public async Task RunAsync(BenchmarkContext context, CancellationToken ct)
    {
        var events = context.Int("events", 50_000);
        var customers = context.Int("customers", 1_000);
        // --reservations: how many sequential reservations the reservation phase times (more for a profile of the Gateway).
        var reservations = context.Int("reservations", 500);
        // --only single,batch runs those phases alone (for scripts/profile.sh); the latency phase needs single's peak.
        var only = context.String("only", "no-op,single,batch,hot,latency,reservation").Split(',');
        // --priced sends usage in tokens, priced by the catalog's rate card (4,000 gpt-4o input tokens = 1 credit).
        _priced = context.String("priced", "false") == "true";
        // --queues quorum puts the hosts' queues and the no-op baseline's on quorum queues (the design's setting for a
        // cluster); classic by default, as every earlier run of this scenario. A classic queue writes its persistent
        // messages to disk only once it holds a backlog, so with classic queues the baseline (which keeps up) never
        // pays for persistence and the single path (which falls behind) does; a quorum queue pays for both.
        var quorum = context.QuorumQueues(fallback: false);
        bool Runs(string phase) => only.Contains(phase) || (phase == "single" && only.Contains("latency"));
        await using var infrastructure = new Disposable<Infrastructure>(new Infrastructure());
        await infrastructure.Value.InitializeAsync();
        var db = infrastructure.Value.Database;
        // Production refuses the emulator's published webhook secret (issue 13): the emulator signs with one of its own.
        await using var stripe = await StripeEmulatorApp.StartAsync(o =>
        {
            o.AggregationDelay = TimeSpan.Zero;
            o.WebhookSecret = WebhookSecret;
        });
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            // The Orchestrator resolves the catalog's Stripe price ids at start and waits for them: create them in the emulator.
            ["Catalog__SyncOnStart"] = "true",
            ["Postgres__ConnectionString"] = db.ConnectionString + ";Maximum Pool Size=100",
            ["RabbitMq__Url"] = infrastructure.Value.VirtualHost.Uri.ToString(),
            ["Stripe__SecretKey"] = "sk_test_emulator", ["Stripe__WebhookSecret"] = WebhookSecret,
            ["Stripe__ApiBase"] = stripe.BaseUrl.ToString().TrimEnd('/'), ["Stripe__MeterEventsBase"] = stripe.BaseUrl.ToString().TrimEnd('/'),
            ["Logging__LogLevel__Default"] = "Warning",
            ["RabbitMq__QuorumQueues"] = quorum ? "true" : "false",
        }.WithApiKey(0, "benchmark", ApiKey, ApiKeySettings.AllScopes);
        await using (var migrate = new HostProcess("Orchestrator", environment))
            if (await migrate.RunToExitAsync(TimeSpan.FromMinutes(2), "migrate") != 0) throw new InvalidOperationException(migrate.Output);
        await using var orchestrator = new HostProcess("Orchestrator", environment);
        await using var gateway = new HostProcess("Gateway", environment);
        await Task.WhenAll(orchestrator.StartAsync(), gateway.StartAsync());
        await OpenAccountsAsync(db.ConnectionString, customers + 2, ct);
        // A ledger in service has planner statistics; this one is a minute old, and autovacuum's first ANALYZE could come
        // after the phases. Without statistics PostgreSQL guesses one row in 200 per key, so every batch's prior-entry
        // lookup scanned the whole table once it held the batch phase's entries: the latency knee (docs/BENCHMARKS.md,
        // sixth pass). Statistics taken now stay true as the table grows (the keys are unique).
        await db.ExecuteAsync("ANALYZE ledger_accounts, ledger_grants, ledger_entries");

        var bus = Bus.Factory.CreateUsingRabbitMq(cfg =>
        {
            cfg.Host(infrastructure.Value.VirtualHost.Uri, h => h.PublisherConfirmation = true);
            cfg.ReceiveEndpoint("benchmark-no-op", e =>
            {
                e.PrefetchCount = 64;
                if (quorum) e.SetQuorumQueue();
                e.Consumer(() => new NoOpConsumer<NoOpBenchmarkMessage>(NoOp));
            });
        });
        await bus.StartAsync(ct);
        try
        {
            // Baseline: a MassTransit consumer that does nothing, same broker, same producer.
            if (Runs("no-op"))
            {
                var noOp = await TimeAsync(events, i => bus.Publish(new NoOpBenchmarkMessage { Id = Guid.NewGuid() }, ct),
                    () => Task.FromResult(NoOp.Count), ct);
                context.Report("no-op consumer (baseline)", events / noOp.TotalSeconds, "msg/s", $"{events:N0} messages, publish to consumed");
            }

            var peak = 0.0;
            if (Runs("single"))
            {
                var cpu = BenchmarkContext.CpuSeconds(orchestrator.ProcessId!.Value);
                var single = await TimeAsync(events, i => bus.Publish(Usage($"s-{i}", $"c{i % customers}"), ct),
                    () => DebitedCreditsAsync(db.ConnectionString, ct), ct);
                peak = events / single.TotalSeconds;
                context.Report("single UsageRecorded messages", peak, "events/s", $"{events:N0} over {customers:N0} customers, publish to committed debit");
                context.Report("  Orchestrator CPU per single event", (BenchmarkContext.CpuSeconds(orchestrator.ProcessId!.Value) - cpu) * 1e6 / events,
                    "µs", "user + system time over the phase");
            }

            if (Runs("batch"))
            {
                Task PublishBatch(string prefix, int i) => bus.Publish(new UsageBatchRecorded
                {
                    BatchId = Guid.NewGuid(),
                    Events = Enumerable.Range(0, 1000).Select(j => Usage($"{prefix}-{i}-{j}", $"c{(i * 1000 + j) % customers}")).ToList(),
                }, ct);
                // Alone (--only batch), the phase would start on cold hosts and time the JIT's and the pools' warm-up with
                // the batches (docs/BENCHMARKS.md, nineteenth session): ten untimed batches first, as the single phase
                // does for it otherwise.
                if (!Runs("single"))
                    await TimeAsync(10, i => PublishBatch("w", i), () => DebitedCreditsAsync(db.ConnectionString, ct), ct, expected: 10 * 1000);
                var batches = Math.Max(1, events * 2 / 1000);
                var cpu = BenchmarkContext.CpuSeconds(orchestrator.ProcessId!.Value);
                var batch = await TimeAsync(batches, i => PublishBatch("b", i),
                    () => DebitedCreditsAsync(db.ConnectionString, ct), ct, expected: batches * 1000);
                context.Report("UsageBatchRecorded (1,000 events each)", batches * 1000 / batch.TotalSeconds, "events/s", $"{batches * 1000:N0} events");
                context.Report("  Orchestrator CPU per batched event", (BenchmarkContext.CpuSeconds(orchestrator.ProcessId!.Value) - cpu) * 1e6 / (batches * 1000),
                    "µs", "user + system time over the phase");
            }

            if (Runs("hot"))
            {
                var hotEvents = events / 2;
                var hot = await TimeAsync(hotEvents, i => bus.Publish(Usage($"h-{i}", "hot"), ct),
                    () => DebitedCreditsAsync(db.ConnectionString, ct), ct);
                context.Report("one hot customer, single messages", hotEvents / hot.TotalSeconds, "events/s", $"{hotEvents:N0} events");
            }

            if (Runs("latency"))
            {
                var (p50, p99, rate, confirm99) = await LatencyAtAsync(bus, db.ConnectionString, peak / 2, customers, TimeSpan.FromSeconds(10), ct);
                context.Report("publish-to-visible p50 at half peak", p50, "ms", $"{rate:N0} events/s offered, probe every 20 ms");
                context.Report("publish-to-visible p99 at half peak", p99, "ms", "visible = the debit committed (seen by LISTEN/NOTIFY + a read)");
                // How much of that is the producer: the probe's own publish, up to the broker's confirm.
                context.Report("probe publish-to-confirm p99", confirm99, "ms", "the part of the latency spent before the broker has the probe");
            }

            if (Runs("reservation"))
            {
                var (r50, r99) = await ReservationRoundTripAsync(gateway.BaseAddress, reservations, ct);
                context.Report("reservation round trip p50", r50, "ms", "POST /v1/customers/{id}/reservations, sequential, then released");
                context.Report("reservation round trip p99", r99, "ms", "");
            }

            context.Report("Orchestrator peak RSS", BenchmarkContext.PeakRssMb(orchestrator.ProcessId!.Value), "MB", "VmHWM of the process over the run");
            var (entries, tableBytes, indexBytes) = await LedgerStorageAsync(db.ConnectionString, ct);
            if (entries > 0)
                context.Report("ledger storage per entry", (tableBytes + indexBytes) / (double)entries, "bytes",
                    $"{entries:N0} entries: table {tableBytes / (double)entries:N0}, indexes {indexBytes / (double)entries:N0} (after VACUUM)");
        }
        finally
        {
            await bus.StopAsync(CancellationToken.None);
        }
    }

    readonly NoOpCounter<NoOpBenchmarkMessage> NoOp = new();

    /// <summary>What the run's entries take on disk, table and indexes (docs/SCALING.md, section 6), once VACUUM has set the table's map.</summary>
    static async Task<(long Entries, long TableBytes, long IndexBytes)> LedgerStorageAsync(string connectionString, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using (var vacuum = new NpgsqlCommand("VACUUM ANALYZE ledger_entries", connection)) await vacuum.ExecuteNonQueryAsync(ct);
        await using var command = new NpgsqlCommand("""
            SELECT (SELECT count(*) FROM ledger_entries), pg_relation_size('ledger_entries'),
                   pg_total_relation_size('ledger_entries') - pg_relation_size('ledger_entries')
            """, connection);
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
    }

    static bool _priced;

    static UsageRecorded Usage(string id, string customer) => _priced
        ? new() { EventId = id, CustomerId = customer, Quantity = 4_000, Unit = "input-token", Feature = "gpt-4o", OccurredAt = DateTimeOffset.UtcNow }
        : new() { EventId = id, CustomerId = customer, Credits = 1, OccurredAt = DateTimeOffset.UtcNow };

    static async Task OpenAccountsAsync(string connectionString, int count, CancellationToken ct)
    {
        await using var dbContext = new LedgerBenchmarkDbContext(new DbContextOptionsBuilder<LedgerBenchmarkDbContext>().UseNpgsql(connectionString).Options);
        var ledger = new CreditLedger(dbContext, Plans, TimeProvider.System);
        var start = DateTimeOffset.UtcNow.AddMinutes(-1);
        var ids = Enumerable.Range(0, count - 2).Select(i => $"c{i}").Append("hot").Append("probe");
        foreach (var chunk in ids.Chunk(500))
            await ledger.ApplyAsync(chunk.Select(id => (LedgerCommand)new StartPeriod
            {
                CustomerId = id, IdempotencyKey = "bench:" + id, PlanId = "pro", PeriodStart = start, PeriodEnd = start.AddMonths(1),
                Allowance = 10_000_000,
            }).ToList(), ct);
    }

    /// <summary>Publishes n messages (64 in flight) and waits until the observed count reaches the expected one.</summary>
    static async Task<TimeSpan> TimeAsync(int n, Func<int, Task> publish, Func<Task<long>> observed, CancellationToken ct, long? expected = null)
    {
        var before = await observed();
        var clock = Stopwatch.StartNew();
        var inFlight = new SemaphoreSlim(64);
        var tasks = new List<Task>(n);
        for (var i = 0; i < n; i++)
        {
            await inFlight.WaitAsync(ct);
            var index = i;
            tasks.Add(Task.Run(async () => { try { await publish(index); } finally { inFlight.Release(); } }, ct));
        }
        await Task.WhenAll(tasks);
        var target = before + (expected ?? n);
        while (await observed() < target)
        {
            if (clock.Elapsed > TimeSpan.FromMinutes(5)) throw new TimeoutException($"only {await observed() - before} of {target - before} arrived");
            await Task.Delay(20, ct);
        }
        return clock.Elapsed;
    }

    /// <summary>
    /// Credits debited so far over all accounts (each event here is one credit): burnt-down balance plus overage, a sum
    /// over the 1,002 account rows. It was a count(DISTINCT key) over ledger_entries polled every 20 ms: a scan of the
    /// whole, growing table that took up to 70 % of a PostgreSQL core, beside the ledger it measured.
    /// </summary>
    static async Task<long> DebitedCreditsAsync(string connectionString, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand("SELECT coalesce(sum(overage_this_period - balance), 0)::bigint FROM ledger_accounts", connection);
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>
    /// One customer's debits committed under keys like the pattern, through the customer's index: the latency probe
    /// counts its own customer's. (A LIKE over the whole table grows with the table and, once 100,000 entries were in,
    /// took most of the measured "latency".)
    /// </summary>
    static async Task<long> CountDebitsAsync(string connectionString, string keyPattern, string customer, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            "SELECT count(DISTINCT idempotency_key) FROM ledger_entries WHERE customer_id = @c AND idempotency_key LIKE @k", connection);
        command.Parameters.AddWithValue("k", keyPattern);
        command.Parameters.AddWithValue("c", customer);
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>
    /// Offers background load at the given rate and, every 20 ms, one probe event for a customer of its own;
    /// a probe is visible when PostgreSQL's NOTIFY for that customer has arrived and its debit is read back.
    /// Also times each probe's publish up to the broker's confirm, which tells the producer's share of the latency.
    /// </summary>
    static async Task<(double P50, double P99, double Rate, double ConfirmP99)> LatencyAtAsync(IBus bus, string connectionString, double rate, int customers,
        TimeSpan duration, CancellationToken ct)
    {
        var published = new Dictionary<int, long>();
        var latencies = new List<double>();
        var confirms = new List<double>();
        var clock = Stopwatch.StartNew();
        await using var listener = new NpgsqlConnection(connectionString);
        await listener.OpenAsync(ct);
        var seen = 0;
        listener.Notification += (_, e) => { if (e.Payload == "probe") Interlocked.Increment(ref seen); };
        await using (var listen = new NpgsqlCommand($"LISTEN {BalanceNotifications.Channel}", listener)) await listen.ExecuteNonQueryAsync(ct);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var waiting = Task.Run(async () => { while (!stop.IsCancellationRequested) await listener.WaitAsync(stop.Token); }, stop.Token);
        var load = Task.Run(async () =>
        {
            var sent = 0;
            while (clock.Elapsed < duration)
            {
                var due = (int)(clock.Elapsed.TotalSeconds * rate);
                for (; sent < due; sent++) _ = bus.Publish(Usage($"l-{sent}", $"c{sent % customers}"), ct);
                await Task.Delay(5, ct);
            }
        }, ct);
        var probes = 0;
        var reader = Task.Run(async () =>
        {
            var visible = 0L;
            while (clock.Elapsed < duration + TimeSpan.FromSeconds(5))
            {
                if (Volatile.Read(ref seen) > 0)
                {
                    Interlocked.Exchange(ref seen, 0);
                    var count = await CountDebitsAsync(connectionString, "usage:%:p-%", "probe", ct);
                    var now = clock.Elapsed.TotalMilliseconds;
                    lock (published)
                        for (var i = (int)visible; i < count; i++)
                            if (published.TryGetValue(i, out var at)) latencies.Add(now - at / (double)TimeSpan.TicksPerMillisecond);
                    visible = Math.Max(visible, count);
                    if (visible >= probes && clock.Elapsed > duration) return;
                }
                await Task.Delay(1, ct);
            }
        }, ct);
        while (clock.Elapsed < duration)
        {
            var stamped = clock.Elapsed;
            lock (published) published[probes] = stamped.Ticks;
            await bus.Publish(Usage($"p-{probes}", "probe"), ct);
            confirms.Add((clock.Elapsed - stamped).TotalMilliseconds);
            probes++;
            await Task.Delay(20, ct);
        }
        await load;
        await reader;
        stop.Cancel();
        try { await waiting; } catch (OperationCanceledException) { }
        latencies.Sort();
        confirms.Sort();
        var confirm99 = confirms[(int)(confirms.Count * 0.99)];
        return latencies.Count == 0 ? (double.NaN, double.NaN, rate, confirm99)
            : (latencies[latencies.Count / 2], latencies[(int)(latencies.Count * 0.99)], rate, confirm99);
    }

    static async Task<(double P50, double P99)> ReservationRoundTripAsync(Uri gateway, int n, CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = gateway };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
        var times = new List<double>(n);
        for (var i = 0; i < n + 20; i++)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/v1/customers/c1/reservations")
            {
                Content = JsonContent.Create(new { credits = 5, timeToLiveSeconds = 60 }),
            };
            request.Headers.Add("Idempotency-Key", $"bench-{i}");
            var clock = Stopwatch.StartNew();
            using var response = await http.SendAsync(request, ct);
            var elapsed = clock.Elapsed.TotalMilliseconds;
            response.EnsureSuccessStatusCode();
            if (i >= 20) times.Add(elapsed); // the first requests warm up the connection and JIT
            var id = (await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(ct)).GetProperty("reservationId").GetGuid();
            (await http.PostAsync($"/v1/customers/c1/reservations/{id}/release", null, ct)).EnsureSuccessStatusCode();
        }
        times.Sort();
        return (times[times.Count / 2], times[(int)(times.Count * 0.99)]);
    }

    sealed class Disposable<T>(T value) : IAsyncDisposable where T : Xunit.IAsyncLifetime
    {
        public T Value { get; } = value;
        public async ValueTask DisposeAsync() => await Value.DisposeAsync();
    }
}
