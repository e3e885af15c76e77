using System.Diagnostics;
using Credits.Messaging;
using Credits.Testing;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Credits.Benchmarks;

/// <summary>
/// End-to-end messages/s through the transactional outbox (consume behind the inbox, write a row, publish
/// through the outbox, relay, consume downstream) against a no-op consumer on the same broker, same
/// endpoint settings, same run. Rounds alternate so background load hits both alike; the best round counts. A fourth
/// phase, the floor, writes the outbox's rows by hand and publishes directly: more than any outbox could reach here.
/// </summary>
public sealed class OutboxThroughputScenario : IBenchmarkScenario
{
    const string NoOpQueue = "bench-noop";
    const string OutboxQueue = "bench-outbox";
    const string ForwardedQueue = "bench-forwarded";
    const string DirectQueue = "bench-direct";
    const string DirectForwardedQueue = "bench-direct-forwarded";
    const string FloorQueue = "bench-floor";
    const string FloorForwardedQueue = "bench-floor-forwarded";

    /// <summary>The phases of a round, in the order they run.</summary>
    static readonly string[] Phases = ["no-op", "direct", "outbox", "floor"];

    public string Name => "outbox";
    public string Description => "transactional outbox end to end vs a no-op consumer, a direct two-hop publish and the floor of its writes by hand (options: --messages 10000 --rounds 3 --statements prepared|unprepared --only no-op,direct,outbox,floor)";

    public async Task RunAsync(BenchmarkContext context, CancellationToken cancellationToken)
    {
        var messages = context.Int("messages", 10_000);
        var rounds = context.Int("rounds", 3);
        // --only outbox measures that phase alone (for scripts/profile.sh, which traces the whole process).
        var only = context.String("only", string.Join(',', Phases)).Split(',');
        if (only.Except(Phases).FirstOrDefault() is { } unknown)
            throw new ArgumentException($"--only {unknown}: expected some of {string.Join(',', Phases)}");
        bool Runs(string phase) => only.Contains(phase);
        var database = new PostgresDatabase();
        var virtualHost = new RabbitMqVirtualHost();
        await Task.WhenAll(database.InitializeAsync(), virtualHost.InitializeAsync());
        try
        {
            await using var services = Build(context.Statements(database.ConnectionString), virtualHost.Uri);
            await using (var scope = services.CreateAsyncScope())
            {
                var dbContext = scope.ServiceProvider.GetRequiredService<OutboxBenchmarkDbContext>();
                await dbContext.Database.EnsureCreatedAsync(cancellationToken);
                await dbContext.Database.ExecuteSqlRawAsync(OutboxFloorConsumer.CreateTablesSql, cancellationToken);
            }
            var hosted = services.GetServices<IHostedService>().ToList();
            foreach (var service in hosted) await service.StartAsync(cancellationToken);

            var bus = services.GetRequiredService<IBus>();
            var noOps = services.GetRequiredService<NoOpCounter<NoOpBenchmarkMessage>>();
            var forwarded = services.GetRequiredService<NoOpCounter<OutboxBenchmarkForwarded>>();
            var directForwarded = services.GetRequiredService<NoOpCounter<NoOpForwarded>>();
            var floorForwarded = services.GetRequiredService<NoOpCounter<OutboxFloorForwarded>>();

            // One phase: its messages sent to its queue, until its downstream counter has seen them all.
            Task<double> Phase(string phase, int count) => phase switch
            {
                "no-op" => Measure(bus, NoOpQueue, count, i => new NoOpBenchmarkMessage { Id = Guid.NewGuid() }, () => noOps.Count, cancellationToken),
                "direct" => Measure(bus, DirectQueue, count, i => new NoOpForwardRequested { Id = Guid.NewGuid() }, () => directForwarded.Count, cancellationToken),
                "outbox" => Measure(bus, OutboxQueue, count, i => new OutboxBenchmarkRequested { Id = Guid.NewGuid() }, () => forwarded.Count, cancellationToken),
                "floor" => Measure(bus, FloorQueue, count, i => new OutboxFloorRequested { Id = Guid.NewGuid() }, () => floorForwarded.Count, cancellationToken),
                _ => throw new ArgumentOutOfRangeException(nameof(phase), phase, "not a phase of this scenario"),
            };
            // In the order of Phases, so every run measures its phases in the same order.
            var rates = Phases.Where(Runs).Select(phase => (Phase: phase, Measured: new List<double>())).ToList();

            // Warm-up of the phases that run: JIT, connections, pools, exchanges.
            foreach (var (phase, _) in rates) await Phase(phase, 1_000);
            for (var round = 0; round < rounds; round++)
            {
                foreach (var (phase, measured) in rates) measured.Add(await Phase(phase, messages));
                Console.WriteLine($"  round {round + 1}: " + string.Join(", ", rates.Select(r => $"{r.Phase} {r.Measured[^1]:N0}/s")));
            }

            // NaN for a phase that did not run (--only), or with --rounds 0.
            double Best(string phase) => rates.Where(r => r.Phase == phase).SelectMany(r => r.Measured).DefaultIfEmpty(double.NaN).Max();
            var noOp = Best("no-op");
            var direct = Best("direct");
            var outbox = Best("outbox");
            var floor = Best("floor");
            if (Runs("no-op")) context.Report("no-op consumer", noOp, "msg/s", $"best of {rounds} x {messages:N0}, send to consumed");
            if (Runs("direct")) context.Report("direct publish, two hops, no database", direct, "msg/s", $"best of {rounds} x {messages:N0}, send to downstream consumed");
            if (Runs("outbox")) context.Report("outbox consumer to downstream", outbox, "msg/s", $"best of {rounds} x {messages:N0}, send to downstream consumed, statements {context.String("statements", "prepared")}");
            if (Runs("outbox") && Runs("no-op")) context.Report("outbox / no-op", 100 * outbox / noOp, "%", "target: at least 60 % (outbox costs at most 40 %)");
            if (Runs("outbox") && Runs("direct")) context.Report("outbox / direct two-hop", 100 * outbox / direct, "%", "the transaction and relay alone");
            if (Runs("floor")) context.Report("floor: the outbox's writes by hand, then a direct publish", floor, "msg/s", "one round trip with COMMIT, no relay (OutboxFloorConsumer)");
            if (Runs("floor") && Runs("direct")) context.Report("floor / direct two-hop", 100 * floor / direct, "%", "more than any outbox could reach here");
            if (Runs("outbox") && Runs("floor")) context.Report("outbox / floor", 100 * outbox / floor, "%", "what the outbox and its relay keep of the floor");
            context.Report("peak RSS", BenchmarkContext.PeakRssMb(), "MB");

            foreach (var service in Enumerable.Reverse(hosted)) await service.StopAsync(CancellationToken.None);
        }
        finally
        {
            await Task.WhenAll(database.DisposeAsync(), virtualHost.DisposeAsync());
        }
    }

    /// <summary>How long the downstream count may stand still before a phase is given up: a faulting consumer sends its messages to an error queue, and the count would never arrive.</summary>
    static readonly TimeSpan Stall = TimeSpan.FromSeconds(60);

    /// <summary>Sends <paramref name="count"/> messages and returns messages/s until <paramref name="seen"/> has counted them all.</summary>
    static async Task<double> Measure<T>(IBus bus, string queue, int count, Func<int, T> create, Func<long> seen,
        CancellationToken cancellationToken) where T : class
    {
        var target = seen() + count;
        var endpoint = await bus.GetSendEndpoint(new Uri($"queue:{queue}"));
        var clock = Stopwatch.StartNew();
        foreach (var chunk in Enumerable.Range(0, count).Chunk(500))
            await endpoint.SendBatch(chunk.Select(create), cancellationToken);
        var last = seen();
        var lastMoved = Stopwatch.StartNew();
        while (last < target)
        {
            await Task.Delay(5, cancellationToken);
            var now = seen();
            if (now != last) { last = now; lastMoved.Restart(); }
            else if (lastMoved.Elapsed > Stall)
                throw new TimeoutException($"{queue}: {target - last:N0} of {count:N0} messages not seen downstream after {Stall.TotalSeconds:N0} s without progress; look in {queue}_error");
        }
        return count / clock.Elapsed.TotalSeconds;
    }

    static ServiceProvider Build(string connectionString, Uri rabbitMq)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddDbContextPool<OutboxBenchmarkDbContext>(o => o.UseNpgsql(connectionString));
        services.AddSingleton(typeof(NoOpCounter<>));
        services.AddSingleton(_ => NpgsqlDataSource.Create(connectionString));
        services.AddMassTransit(x =>
        {
            x.AddPostgresOutbox<OutboxBenchmarkDbContext>();
            x.AddConsumer<NoOpConsumer<NoOpBenchmarkMessage>>().Endpoint(e => e.Name = NoOpQueue);
            x.AddConsumer<OutboxBenchmarkConsumer>().Endpoint(e => e.Name = OutboxQueue);
            x.AddConsumer<NoOpConsumer<OutboxBenchmarkForwarded>>().Endpoint(e => e.Name = ForwardedQueue);
            x.AddConsumer<NoOpForwardingConsumer>().Endpoint(e => e.Name = DirectQueue);
            x.AddConsumer<NoOpConsumer<NoOpForwarded>>().Endpoint(e => e.Name = DirectForwardedQueue);
            x.AddConsumer<OutboxFloorConsumer>().Endpoint(e => e.Name = FloorQueue);
            x.AddConsumer<NoOpConsumer<OutboxFloorForwarded>>().Endpoint(e => e.Name = FloorForwardedQueue);
            x.AddConfigureEndpointsCallback((registration, name, endpoint) =>
            {
                endpoint.PrefetchCount = 64;
                endpoint.ConcurrentMessageLimit = 32;
                if (name == OutboxQueue) endpoint.UsePostgresOutbox<OutboxBenchmarkDbContext>(registration);
            });
            x.UsingRabbitMq((registration, cfg) =>
            {
                cfg.Host(rabbitMq, h => h.PublisherConfirmation = true);
                cfg.ConfigureEndpoints(registration);
            });
        });
        return services.BuildServiceProvider();
    }
}
