using System.Diagnostics;
using Credits.Messaging;
using Credits.Messaging.Sagas;
using Credits.Testing;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Credits.Benchmarks;

/// <summary>
/// Saga transitions/s on RabbitMQ with the PostgreSQL saga repository (events to existing instances, one
/// transaction each) against a no-op consumer with the same endpoint settings in the same run. Rounds
/// alternate so background load hits both alike; the best round of each counts. A third phase, the floor, does the
/// transition's two round trips by hand on the same rows: the most any transition could reach on this machine. A
/// fourth, the Entity Framework floor, makes them as the saga repository does but without the saga machinery, which
/// splits what the saga loses to its floor between Entity Framework and MassTransit's saga pipe and state machine.
/// </summary>
public sealed class SagaBenchmarkScenario : IBenchmarkScenario
{
    const string NoOpQueue = "saga-bench-noop";
    const string SagaQueue = "saga-bench-counter";
    const string FloorQueue = "saga-bench-floor";
    const string EfFloorQueue = "saga-bench-ef-floor";

    public string Name => "saga";
    public string Description =>
        "saga transitions on the PostgreSQL repository vs a no-op consumer and the floor of the same round trips by hand (options: --messages 5000 --instances 100 --rounds 3 --concurrency 32 --mode pessimistic|optimistic --context pooled|per-message --statements prepared|unprepared)";

    public async Task RunAsync(BenchmarkContext context, CancellationToken cancellationToken)
    {
        var messages = context.Int("messages", 5_000);
        var instances = context.Int("instances", 100);
        var rounds = context.Int("rounds", 3);
        var concurrency = context.Int("concurrency", 32);
        var mode = Enum.Parse<SagaConcurrencyMode>(context.String("mode", "pessimistic"), ignoreCase: true);
        // Pooled, as the hosts register CreditsDbContext (PersistenceRegistration); per-message builds a DbContext and
        // its EF services for every message, 8 % of this scenario's busy CPU in its profile (docs/BENCHMARKS.md).
        var pooled = context.String("context", "pooled") switch
        {
            "pooled" => true,
            "per-message" => false,
            var other => throw new ArgumentException($"--context {other}: expected pooled or per-message"),
        };

        var database = new PostgresDatabase();
        var virtualHost = new RabbitMqVirtualHost();
        await Task.WhenAll(database.InitializeAsync(), virtualHost.InitializeAsync());
        try
        {
            await using var services = Build(context.Statements(database.ConnectionString), virtualHost.Uri, concurrency, mode, pooled);
            await using (var scope = services.CreateAsyncScope())
            {
                var dbContext = scope.ServiceProvider.GetRequiredService<SagaBenchmarkDbContext>();
                // Without it the EF floor's read would not lock, and it would measure less than the saga's round trips.
                if (!RowLockInterceptor.IsRegisteredIn(dbContext))
                    throw new InvalidOperationException($"{nameof(SagaBenchmarkDbContext)} has no {nameof(RowLockInterceptor)}");
                await dbContext.Database.EnsureCreatedAsync(cancellationToken);
            }
            var hosted = services.GetServices<IHostedService>().ToList();
            foreach (var service in hosted) await service.StartAsync(cancellationToken);

            var bus = services.GetRequiredService<IBus>();
            var observer = services.GetRequiredService<SagaBenchmarkObserver>();
            bus.ConnectConsumeObserver(observer);

            var counters = Enumerable.Range(0, instances).Select(_ => Guid.NewGuid()).ToArray();
            await Send(bus, SagaQueue, counters.Length, i => new SagaBenchmarkOpened { CounterId = counters[i] }, cancellationToken);
            await Until(() => CountedSoFar(services, cancellationToken).ContinueWith(t => t.Result.Instances == instances), cancellationToken);

            long expectedCount = 0;
            // Sends n counts over the instances to a queue; returns counts/s until all are committed, not merely consumed
            // (the sum of the counters in PostgreSQL).
            async Task<double> Count<T>(string queue, int n, Func<Guid, T> count) where T : class
            {
                expectedCount += n;
                var stopwatch = Stopwatch.StartNew();
                await Send(bus, queue, n, i => count(counters[i % counters.Length]), cancellationToken);
                await Until(() => CountedSoFar(services, cancellationToken).ContinueWith(t => t.Result.Sum == expectedCount), cancellationToken);
                return n / stopwatch.Elapsed.TotalSeconds;
            }
            Task<double> Transitions(int n) => Count(SagaQueue, n, id => new SagaBenchmarkCounted { CounterId = id });
            // The floor: the same rows, the same two round trips, written by hand (SagaFloorConsumer).
            Task<double> Floor(int n) => Count(FloorQueue, n, id => new SagaBenchmarkFloorCounted { CounterId = id });
            // The same through Entity Framework, without the saga machinery (SagaEfFloorConsumer).
            Task<double> EfFloor(int n) => Count(EfFloorQueue, n, id => new SagaBenchmarkEfFloorCounted { CounterId = id });

            long expectedNoOps = 0;
            async Task<double> NoOps(int n)
            {
                expectedNoOps += n;
                var stopwatch = Stopwatch.StartNew();
                await Send(bus, NoOpQueue, n, _ => new SagaBenchmarkNoOp { Id = Guid.NewGuid() }, cancellationToken);
                await Until(() => Task.FromResult(observer.NoOps >= expectedNoOps), cancellationToken);
                return n / stopwatch.Elapsed.TotalSeconds;
            }

            // Warm-up: JIT, connections, pools.
            await NoOps(500);
            await Transitions(500);
            await Floor(500);
            await EfFloor(500);

            var noOpRates = new List<double>();
            var sagaRates = new List<double>();
            var floorRates = new List<double>();
            var efFloorRates = new List<double>();
            for (var round = 0; round < rounds; round++)
            {
                noOpRates.Add(await NoOps(messages));
                sagaRates.Add(await Transitions(messages));
                floorRates.Add(await Floor(messages));
                efFloorRates.Add(await EfFloor(messages));
                Console.WriteLine($"  round {round + 1}: no-op {noOpRates[^1]:N0}/s, saga {sagaRates[^1]:N0}/s, floor {floorRates[^1]:N0}/s, EF floor {efFloorRates[^1]:N0}/s");
            }

            var noOp = noOpRates.Max();
            var saga = sagaRates.Max();
            context.Report("no-op consumer", noOp, "msg/s", $"best of {rounds} x {messages:N0}, send to consumed, concurrency {concurrency}");
            context.Report($"saga transitions ({mode.ToString().ToLowerInvariant()})", saga, "msg/s",
                $"best of {rounds} x {messages:N0} over {instances} instances, send to committed, concurrency {concurrency}, DbContext {(pooled ? "pooled" : "per message")}, statements {context.String("statements", "prepared")}");
            context.Report("saga / no-op", 100 * saga / noOp, "%");
            var floor = floorRates.Max();
            context.Report("floor: the same two round trips by hand", floor, "msg/s", "raw Npgsql, no EF, no state machine (SagaFloorConsumer)");
            context.Report("floor / no-op", 100 * floor / noOp, "%", "the most any saga transition could reach here");
            context.Report("saga / floor", 100 * saga / floor, "%", "what the saga machinery keeps of the floor");
            var efFloor = efFloorRates.Max();
            context.Report("EF floor: the same round trips through Entity Framework", efFloor, "msg/s",
                "pooled DbContext, compiled locked read, commit in the last batch; no saga repository, no state machine (SagaEfFloorConsumer)");
            context.Report("EF floor / floor", 100 * efFloor / floor, "%", "what Entity Framework keeps of the hand-written floor");
            context.Report("saga / EF floor", 100 * saga / efFloor, "%", "what MassTransit's saga pipe and state machine keep of the EF floor");
            context.Report("peak RSS", BenchmarkContext.PeakRssMb(), "MB");

            foreach (var service in Enumerable.Reverse(hosted)) await service.StopAsync(CancellationToken.None);
        }
        finally
        {
            await Task.WhenAll(database.DisposeAsync(), virtualHost.DisposeAsync());
        }
    }

    static ServiceProvider Build(string connectionString, Uri virtualHost, int concurrency, SagaConcurrencyMode mode, bool pooled)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<SagaBenchmarkObserver>();
        services.AddSingleton(_ => NpgsqlDataSource.Create(connectionString));
        services.Configure<MassTransitHostOptions>(o => o.WaitUntilStarted = true);
        if (pooled)
            services.AddDbContextPool<SagaBenchmarkDbContext>(o => o.UseNpgsql(connectionString));
        else
            services.AddDbContext<SagaBenchmarkDbContext>(o => o.UseNpgsql(connectionString));
        services.AddMassTransit(x =>
        {
            x.SetPostgresSagaRepositoryProvider<SagaBenchmarkDbContext>(o => o.ConcurrencyMode = mode);
            x.AddSagaStateMachine<SagaBenchmarkStateMachine, SagaBenchmarkState>().Endpoint(e => e.Name = SagaQueue);
            x.AddConsumer<SagaBenchmarkNoOpConsumer>().Endpoint(e => e.Name = NoOpQueue);
            x.AddConsumer<SagaFloorConsumer>().Endpoint(e => e.Name = FloorQueue);
            x.AddConsumer<SagaEfFloorConsumer>().Endpoint(e => e.Name = EfFloorQueue);
            x.AddConfigureEndpointsCallback((_, _, endpoint) =>
            {
                endpoint.ConcurrentMessageLimit = concurrency;
                // Optimistic mode: conflicts between two events for one instance are retried.
                if (mode == SagaConcurrencyMode.Optimistic)
                    endpoint.UseMessageRetry(r => r.Immediate(20));
            });
            x.UsingRabbitMq((context, cfg) =>
            {
                cfg.Host(virtualHost);
                cfg.PrefetchCount = concurrency;
                cfg.ConfigureEndpoints(context);
            });
        });
        return services.BuildServiceProvider();
    }

    static async Task Send<T>(IBus bus, string queue, int count, Func<int, T> message, CancellationToken cancellationToken)
        where T : class
    {
        var endpoint = await bus.GetSendEndpoint(new Uri("queue:" + queue));
        for (var start = 0; start < count; start += 500)
            await Task.WhenAll(Enumerable.Range(start, Math.Min(500, count - start)).Select(i => endpoint.Send(message(i), cancellationToken)));
    }

    static async Task<(long Instances, long Sum)> CountedSoFar(IServiceProvider services, CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var counters = scope.ServiceProvider.GetRequiredService<SagaBenchmarkDbContext>().Set<SagaBenchmarkState>();
        var instances = await counters.LongCountAsync(cancellationToken);
        var sum = await counters.SumAsync(x => (long)x.Count, cancellationToken);
        return (instances, sum);
    }

    static async Task Until(Func<Task<bool>> condition, CancellationToken cancellationToken)
    {
        while (!await condition())
            await Task.Delay(20, cancellationToken);
    }
}
