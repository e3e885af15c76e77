using Credits.Messaging.Commits;
using Credits.Messaging.Jobs;
using Credits.Messaging.Outbox;
using MassTransit;
using MassTransit.DependencyInjection;
using MassTransit.Middleware;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Credits.Messaging;

public static class OutboxRegistrationExtensions
{
    /// <summary>
    /// The transactional inbox and outbox on <typeparamref name="TDbContext"/> (which must call
    /// <c>modelBuilder.AddTransactionalOutbox()</c>): the per-message transaction factory used by
    /// <c>UsePostgresOutbox</c>, the relay, the after-commit sends' cleanup and the inbox cleanup as hosted services, and optionally the bus outbox.
    /// One outbox DbContext per service provider. Its last saves carry their commit (<see cref="CommitFoldingExtensions"/>).
    /// </summary>
    public static IBusRegistrationConfigurator AddPostgresOutbox<TDbContext>(this IBusRegistrationConfigurator configurator,
        Action<PostgresOutboxOptions>? configure = null)
        where TDbContext : DbContext
    {
        var options = new PostgresOutboxOptions();
        configure?.Invoke(options);

        configurator.TryAddSingleton(options);
        configurator.TryAddSingleton<OutboxDeliverySignal>();
        configurator.FoldCommitIntoLastBatch<TDbContext>();
        configurator.TryAddScoped<IOutboxContextFactory<TDbContext>, PostgresOutboxContextFactory<TDbContext>>();
        configurator.AddPeriodicJob<InboxCleanupService<TDbContext>>();

        if (options.DeliveryService)
        {
            configurator.TryAddSingleton<OutboxSender>();
            configurator.AddJobRuns();
            configurator.AddHostedService<OutboxDeliveryService<TDbContext>>();
            configurator.AddSingleton<OutboxAfterCommitDelivery<TDbContext>>();
            configurator.AddHostedService(provider => provider.GetRequiredService<OutboxAfterCommitDelivery<TDbContext>>());
        }

        if (options.BusOutbox)
        {
            configurator.RemoveAll<IScopedBusContextProvider<IBus>>();
            configurator.AddScoped<IScopedBusContextProvider<IBus>, BusOutboxScopedContextProvider<TDbContext>>();
        }
        return configurator;
    }
}
