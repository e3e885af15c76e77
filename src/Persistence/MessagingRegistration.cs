using Credits.Messaging;
using MassTransit;

namespace Credits.Persistence;

public static class MessagingRegistration
{
    /// <summary>
    /// The reliable-messaging set-up both hosts share, all on <see cref="CreditsDbContext"/>:
    /// inbox and outbox on every consumer and saga endpoint (state and outgoing messages commit
    /// together; a redelivered message is a no-op), the bus outbox for publishes made outside a
    /// consumer (HTTP and webhook handlers), sagas stored in PostgreSQL, and the durable scheduler.
    /// Every host relays the outbox and delivers due scheduled messages; SKIP LOCKED keeps
    /// instances from doing the same row twice.
    /// </summary>
    public static IBusRegistrationConfigurator AddCreditsMessaging(this IBusRegistrationConfigurator x)
    {
        x.AddPostgresOutbox<CreditsDbContext>(o => o.UseBusOutbox());
        x.SetPostgresSagaRepositoryProvider<CreditsDbContext>();
        x.AddPostgresMessageScheduler<CreditsDbContext>();
        x.AddConfigureEndpointsCallback((context, _, endpoint) =>
        {
            // Retries outside the outbox, so each attempt has a fresh scope and transaction. After the
            // last attempt MassTransit moves the message to the endpoint's _error queue with the reason. A message
            // that can never be consumed goes there at once.
            endpoint.UseMessageRetry(r => r.Intervals(100, 500, 2000).Ignore<InvalidMessageException>());
            endpoint.UsePostgresOutbox<CreditsDbContext>(context);
        });
        return x;
    }
}
