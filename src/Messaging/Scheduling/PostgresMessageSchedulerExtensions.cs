using Credits.Messaging.Jobs;
using Credits.Messaging.Sagas;
using Credits.Messaging.Scheduling;
using MassTransit;
using MassTransit.Configuration;
using MassTransit.Scheduling;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Credits.Messaging;

public static class PostgresMessageSchedulerExtensions
{
    /// <summary>
    /// A durable message scheduler on PostgreSQL for stock RabbitMQ (no delayed-exchange plugin): saga
    /// <c>Schedule</c>/<c>Unschedule</c> and request timeouts write rows of the <c>scheduled_message</c> table
    /// (<see cref="ScheduledMessageModelExtensions.AddScheduledMessages"/>) in the saga's transaction, and a hosted
    /// service delivers them when due. Also registers a scoped <see cref="IMessageScheduler"/> on the scoped
    /// <typeparamref name="TDbContext"/> for code outside a consumer.
    /// </summary>
    public static void AddPostgresMessageScheduler<TDbContext>(this IBusRegistrationConfigurator configurator,
        Action<PostgresMessageSchedulerOptions>? configure = null)
        where TDbContext : DbContext
    {
        var options = new PostgresMessageSchedulerOptions();
        configure?.Invoke(options);
        configurator.TryAddSingleton(options);
        configurator.TryAddEnumerable(ServiceDescriptor.Singleton<ISagaMessagePayload, SagaMessageScheduler>());
        configurator.TryAddScoped<IMessageScheduler>(provider =>
        {
            var dbContext = provider.GetRequiredService<TDbContext>();
            return new MessageScheduler(new PostgresScheduleMessageProvider(work => work(dbContext), null),
                provider.GetRequiredService<IBus>().Topology);
        });
        if (options.DeliverDueMessages)
            configurator.AddPeriodicJob<ScheduledMessageDelivery<TDbContext>>();
    }

    /// <summary>
    /// Lets consumers of this bus (not only sagas, which get the scheduler from their repository) call
    /// <c>context.ScheduleSend</c>, and lets <c>UseScheduledRedelivery</c> schedule. Their schedule rows are written in
    /// a scope of their own and commit at once, independently of the consumer's transaction. A pre-pipe filter, like
    /// MassTransit's own UseMessageScheduler: it runs on the received context before any message-type filter, so the
    /// redelivery filter (a message-type filter) finds the scheduler; a plain UseFilter would run after it.
    /// </summary>
    public static void UsePostgresMessageScheduler<TDbContext>(this IConsumePipeConfigurator configurator, IRegistrationContext context)
        where TDbContext : DbContext
    {
        configurator.AddPrePipeSpecification(new FilterPipeSpecification<ConsumeContext>(
            new ConsumerMessageSchedulerFilter<TDbContext>(context.GetRequiredService<IServiceScopeFactory>())));
    }
}
