using Credits.Messaging.Outbox;
using MassTransit;
using MassTransit.Configuration;
using Microsoft.EntityFrameworkCore;

namespace Credits.Messaging;

public static class OutboxEndpointConfiguratorExtensions
{
    /// <summary>
    /// Puts every consumer and saga of the endpoint behind the inbox and outbox of <typeparamref name="TDbContext"/>:
    /// a redelivered message (same MessageId, same consumer) is a no-op, each message runs in one transaction
    /// on the scoped DbContext, and outgoing messages are stored and relayed after the commit.
    /// Meant for <c>x.AddConfigureEndpointsCallback((context, name, e) => e.UsePostgresOutbox&lt;TDbContext&gt;(context))</c>;
    /// configure retries before it so each attempt gets a fresh scope and transaction.
    /// </summary>
    public static void UsePostgresOutbox<TDbContext>(this IReceiveEndpointConfigurator configurator, IRegistrationContext context)
        where TDbContext : DbContext
    {
        // Adds MassTransit's OutboxConsumeFilter<TDbContext, TMessage> (a scope per message, then our
        // IOutboxContextFactory<TDbContext>) to each consumer and saga message pipe on this endpoint.
        var observer = new PostgresOutboxConsumePipeSpecificationObserver<TDbContext>(configurator, context);
        configurator.ConnectConsumerConfigurationObserver(observer);
        configurator.ConnectSagaConfigurationObserver(observer);
    }
}
