using Credits.Messaging.Outbox;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Credits.Messaging.TestHost;

/// <summary>
/// The wiring a real host would use (AddPostgresOutbox, UsePostgresOutbox in the endpoints callback, Npgsql's
/// retrying execution strategy), shared by the in-process tests and this project's separate process.
/// </summary>
public static class OutboxTestHostBuilder
{
    public const string ProbeQueue = "outbox-probe";
    public const string FailingProbeQueue = "outbox-failing-probe";
    public const string CounterQueue = "delivery-counter";

    /// <param name="configureDbContext">More DbContext options (an interceptor that counts what the outbox sends to PostgreSQL).</param>
    public static IHost Build(string connectionString, Uri rabbitMq, OutboxTestRoles roles, Action<PostgresOutboxOptions>? outbox = null,
        Action<DbContextOptionsBuilder>? configureDbContext = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddFilter("Credits.Messaging", LogLevel.Debug);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(5));
        builder.Services.Configure<MassTransitHostOptions>(o => o.WaitUntilStarted = true);

        builder.Services.AddDbContext<OutboxTestDbContext>(o =>
        {
            o.UseNpgsql(connectionString, npgsql => npgsql.EnableRetryOnFailure());
            configureDbContext?.Invoke(o);
        });
        builder.Services.AddMassTransit(x =>
        {
            x.AddPostgresOutbox<OutboxTestDbContext>(outbox);

            var onCommit = roles.HasFlag(OutboxTestRoles.ClaimOnCommit);
            if (roles.HasFlag(OutboxTestRoles.Probe))
                x.AddConsumer(roles.HasFlag(OutboxTestRoles.SavedByOutbox) ? typeof(UnsavedProbeConsumer)
                    : onCommit ? typeof(OnCommitProbeConsumer) : typeof(ProbeConsumer)).Endpoint(e => e.Name = ProbeQueue);
            if (roles.HasFlag(OutboxTestRoles.FailingProbe))
                x.AddConsumer(onCommit ? typeof(OnCommitFailingProbeConsumer) : typeof(FailingProbeConsumer)).Endpoint(e => e.Name = FailingProbeQueue);
            if (roles.HasFlag(OutboxTestRoles.Counter))
                x.AddConsumer<DeliveryCounter>(c => c.Options<BatchOptions>(batch => batch
                        .SetMessageLimit(200).SetTimeLimit(TimeSpan.FromMilliseconds(20)).SetConcurrencyLimit(2)))
                    .Endpoint(e =>
                    {
                        e.Name = CounterQueue;
                        e.PrefetchCount = 400;
                        e.ConcurrentMessageLimit = 400;
                    });

            x.AddConfigureEndpointsCallback((context, name, endpoint) =>
            {
                if (name == CounterQueue)
                {
                    // No inbox on the counter (it must see duplicates), but a statement that fails on a
                    // loaded machine is retried: its single autocommit INSERT either happened or it did not.
                    endpoint.UseMessageRetry(r => r.Interval(5, TimeSpan.FromMilliseconds(500)));
                    return;
                }
                // Retries outside the outbox: every attempt is a fresh scope and transaction.
                endpoint.UseMessageRetry(r => r.Immediate(2));
                endpoint.UsePostgresOutbox<OutboxTestDbContext>(context);
            });

            x.UsingRabbitMq((context, cfg) =>
            {
                cfg.Host(rabbitMq, h => h.PublisherConfirmation = true);
                cfg.ConfigureEndpoints(context);
            });
        });
        return builder.Build();
    }
}
