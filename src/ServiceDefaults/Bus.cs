using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Credits.ServiceDefaults;

public static class Bus
{
    /// <summary>
    /// MassTransit on RabbitMQ with the settings every Credits host shares: kebab-case endpoint names,
    /// publisher confirms (MassTransit's default), prefetch and queue type from validated options.
    /// </summary>
    public static IHostApplicationBuilder AddBus(this IHostApplicationBuilder builder,
        Action<IBusRegistrationConfigurator> configure,
        Action<IBusRegistrationContext, IRabbitMqBusFactoryConfigurator>? configureBus = null)
    {
        builder.AddValidatedOptions<RabbitMqOptions>(RabbitMqOptions.Section);
        // Start-up waits for the bus: a host is not ready, and publishes nothing, before its endpoints are bound.
        builder.Services.Configure<MassTransitHostOptions>(o =>
        {
            o.WaitUntilStarted = true;
            o.StartTimeout = TimeSpan.FromSeconds(60);
            o.StopTimeout = TimeSpan.FromSeconds(30);
        });
        builder.Services.AddMassTransit(x =>
        {
            x.SetKebabCaseEndpointNameFormatter();
            configure(x);
            // Quorum queues are a property of each receive endpoint's queue: the bus-level SetQuorumQueue() only reaches the
            // bus's own temporary endpoint, so every configured endpoint (and with it its _error and _skipped queues) gets it here.
            x.AddConfigureEndpointsCallback((context, _, endpoint) =>
            {
                if (endpoint is IRabbitMqReceiveEndpointConfigurator rabbit && context.GetRequiredService<IOptions<RabbitMqOptions>>().Value.QuorumQueues)
                    rabbit.SetQuorumQueue();
            });
            x.UsingRabbitMq((context, cfg) =>
            {
                var options = context.GetRequiredService<IOptions<RabbitMqOptions>>().Value;
                cfg.Host(new Uri(options.Url), h =>
                {
                    h.PublisherConfirmation = true;
                    // A cluster: each connection attempt takes the next node, so a node that is down is left for the next.
                    if (options.ClusterNodeList is { Count: > 0 } nodes)
                        h.UseCluster(cluster =>
                        {
                            foreach (var node in nodes) cluster.Node(node);
                        });
                });
                cfg.PrefetchCount = options.PrefetchCount;
                configureBus?.Invoke(context, cfg);
                cfg.ConfigureEndpoints(context);
            });
        });
        return builder;
    }
}
