using MassTransit;
using MassTransit.Clients;
using MassTransit.DependencyInjection;
using MassTransit.Middleware;
using MassTransit.Middleware.Outbox;
using MassTransit.Transports;
using Microsoft.EntityFrameworkCore;

namespace Credits.Messaging.Outbox;

/// <summary>
/// What IPublishEndpoint and ISendEndpointProvider resolve to in a scope with no consume context (an HTTP
/// request, a webhook handler): every publish and send becomes an outbox row on the scoped DbContext, so it
/// commits with the handler's rows on SaveChanges, and is lost with them if the transaction rolls back.
/// The relay sends these units: this scope cannot tell whether a save it saw was committed or later rolled back.
/// </summary>
sealed class BusOutboxScopedContext : ScopedBusContext, OutboxSendContext, IDisposable
{
    readonly IBus _bus;
    readonly IClientFactory _clientFactory;
    readonly IServiceProvider _provider;
    readonly OutboxWriter _writer;
    readonly OutboxDeliverySignal _signal;
    IPublishEndpoint? _publishEndpoint;
    ISendEndpointProvider? _sendEndpointProvider;
    IScopedClientFactory? _scopedClientFactory;

    public BusOutboxScopedContext(IBus bus, DbContext dbContext, IClientFactory clientFactory, IServiceProvider provider, OutboxDeliverySignal signal)
    {
        _bus = bus;
        _clientFactory = clientFactory;
        _provider = provider;
        _signal = signal;
        _writer = new OutboxWriter(dbContext);
    }

    public ISendEndpointProvider SendEndpointProvider =>
        _sendEndpointProvider ??= new OutboxSendEndpointProvider(this, _bus);

    public IPublishEndpoint PublishEndpoint =>
        _publishEndpoint ??= new PublishEndpoint(new OutboxPublishEndpointProvider(this, _bus));

    /// <summary>Request clients are not routed through the outbox: a request needs its response now.</summary>
    public IScopedClientFactory ClientFactory =>
        _scopedClientFactory ??= new ScopedClientFactory(new ClientFactory(new ScopedClientFactoryContext(_clientFactory, _provider)), null);

    public Task AddSend<T>(SendContext<T> context) where T : class => _writer.Add(context);

    public object? GetService(Type serviceType) => _provider.GetService(serviceType);

    /// <summary>The scope ends after the handler's SaveChanges: wake the relay (a rolled-back unit costs it one empty query).</summary>
    public void Dispose()
    {
        if (_writer.HasMessages) _signal.Notify();
    }
}
