using MassTransit;
using MassTransit.DependencyInjection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Credits.Messaging.Outbox;

/// <summary>
/// Replaces MassTransit's scoped bus context provider when the bus outbox is on. Inside a consumer the
/// consume context (already an outbox context under UsePostgresOutbox) is used as usual; outside one,
/// publishes go to the outbox tables of the scope's <typeparamref name="TDbContext"/>.
/// </summary>
sealed class BusOutboxScopedContextProvider<TDbContext> : IScopedBusContextProvider<IBus>, IDisposable
    where TDbContext : DbContext
{
    public BusOutboxScopedContextProvider(IBus bus, Bind<IBus, IClientFactory> clientFactory,
        Bind<IBus, IScopedConsumeContextProvider> busConsumeContextProvider,
        IScopedConsumeContextProvider globalConsumeContextProvider,
        IServiceProvider provider, OutboxDeliverySignal signal)
    {
        if (busConsumeContextProvider.Value.HasContext)
            Context = new ConsumeContextScopedBusContext(busConsumeContextProvider.Value.GetContext(), clientFactory.Value);
        else if (globalConsumeContextProvider.HasContext)
            Context = new ConsumeContextScopedBusContext<IBus>(bus, globalConsumeContextProvider.GetContext(), clientFactory.Value, provider);
        else
            Context = new BusOutboxScopedContext(bus, provider.GetRequiredService<TDbContext>(), clientFactory.Value, provider, signal);
    }

    public ScopedBusContext Context { get; }

    public void Dispose() => (Context as IDisposable)?.Dispose();
}
