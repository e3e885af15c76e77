using Credits.Messaging.Sagas;
using Credits.Messaging.Scheduling;
using Credits.Testing;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Credits.Messaging.Tests.Sagas;

/// <summary>
/// One running "service" for the tests: the tally saga on RabbitMQ with the PostgreSQL repository and scheduler,
/// started and stopped like a host (its hosted services: the bus and the scheduler's delivery loop). Two of them
/// on the same database and virtual host are two instances of one service; stopping one and starting another is a restart.
/// </summary>
public sealed class TallyHost : IAsyncDisposable
{
    readonly ServiceProvider _services;
    readonly List<IHostedService> _started = [];

    TallyHost(ServiceProvider services) => _services = services;

    public IServiceProvider Services => _services;

    public sealed class Settings
    {
        public SagaConcurrencyMode ConcurrencyMode { get; set; } = SagaConcurrencyMode.Pessimistic;
        public int ConcurrentMessageLimit { get; set; } = 32;
        /// <summary>Retries on the saga endpoint: optimistic mode needs them, pessimistic mode must do without.</summary>
        public Action<IRetryConfigurator>? Retry { get; set; }
        public Action<PostgresMessageSchedulerOptions> Scheduler { get; set; } = o => o.PollInterval = TimeSpan.FromMilliseconds(200);
        public Action<IBusRegistrationConfigurator> Configure { get; set; } = _ => { };
        /// <summary>Extra middleware on every endpoint, inside the retry.</summary>
        public Action<IRegistrationContext, IReceiveEndpointConfigurator> Endpoint { get; set; } = (_, _) => { };
        /// <summary>More settings of the DbContext (an interceptor that counts what it does).</summary>
        public Action<DbContextOptionsBuilder> DbContext { get; set; } = _ => { };
        /// <summary>The test database's connection string, changed (auto-prepare, as the hosts' data source has it).</summary>
        public Func<string, string> ConnectionString { get; set; } = s => s;
    }

    public static async Task<TallyHost> Start(Infrastructure infrastructure, Action<Settings>? configure = null)
    {
        var settings = new Settings();
        configure?.Invoke(settings);

        var services = new ServiceCollection();
        // TALLY_LOG=1 shows the bus's and the repository's log on the console when a test needs explaining.
        services.AddLogging(b =>
        {
            if (Environment.GetEnvironmentVariable("TALLY_LOG") is not null)
                b.AddSimpleConsole().SetMinimumLevel(LogLevel.Debug);
        });
        // Publishing before the endpoints are bound would drop the messages: start means ready.
        services.Configure<MassTransitHostOptions>(o => o.WaitUntilStarted = true);
        services.AddDbContext<TallyDbContext>(o => settings.DbContext(o.UseNpgsql(settings.ConnectionString(infrastructure.Database.ConnectionString))));
        services.AddMassTransit(x =>
        {
            x.SetPostgresSagaRepositoryProvider<TallyDbContext>(o => o.ConcurrencyMode = settings.ConcurrencyMode);
            x.AddPostgresMessageScheduler<TallyDbContext>(settings.Scheduler);
            x.AddSagaStateMachine<TallyStateMachine, TallyState>().Endpoint(e => e.Name = "tally");
            settings.Configure(x);
            x.AddConfigureEndpointsCallback((context, _, endpoint) =>
            {
                endpoint.ConcurrentMessageLimit = settings.ConcurrentMessageLimit;
                if (settings.Retry is not null)
                    endpoint.UseMessageRetry(settings.Retry);
                settings.Endpoint(context, endpoint);
            });
            x.UsingRabbitMq((context, cfg) =>
            {
                cfg.Host(infrastructure.VirtualHost.Uri);
                cfg.PrefetchCount = settings.ConcurrentMessageLimit;
                cfg.ConfigureEndpoints(context);
            });
        });

        var host = new TallyHost(services.BuildServiceProvider());
        // MassTransit keeps its log context in an AsyncLocal that an earlier host of the same test may have set to
        // a logger factory disposed with that host.
        LogContext.ConfigureCurrentLogContext(host._services.GetRequiredService<ILoggerFactory>());
        await using (var scope = host._services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<TallyDbContext>().Database.EnsureCreatedAsync();
        foreach (var hosted in host._services.GetServices<IHostedService>())
        {
            await hosted.StartAsync(CancellationToken.None);
            host._started.Add(hosted);
        }
        return host;
    }

    public IBus Bus => _services.GetRequiredService<IBus>();

    public Task Publish<T>(T message) where T : class => Bus.Publish(message);

    /// <summary>The tally as committed in PostgreSQL, read with a DbContext of its own.</summary>
    public async Task<TallyState?> Find(Guid tallyId)
    {
        await using var scope = _services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<TallyDbContext>().Tallies.AsNoTracking()
            .SingleOrDefaultAsync(x => x.CorrelationId == tallyId);
    }

    public async Task<TallyState> WaitFor(Guid tallyId, Func<TallyState, bool> until, string because, double seconds = 20) =>
        (await Eventually.Get(() => Find(tallyId), t => t is not null && until(t), TimeSpan.FromSeconds(seconds), because))!;

    public async ValueTask DisposeAsync()
    {
        for (var i = _started.Count - 1; i >= 0; i--)
            await _started[i].StopAsync(CancellationToken.None);
        _started.Clear();
        await _services.DisposeAsync();
    }
}
