using Credits.Testing;
using MassTransit;
using MassTransit.JobService;

namespace Credits.IntegrationTests;

/// <summary>
/// Whether a message reached a saga's transaction: a saga claims the message's inbox row in its last save, under a consumer
/// id the outbox's filter computes from the saga, the message type and the endpoint's queue. A message dropped before the
/// transaction leaves no row.
/// </summary>
static class InboxClaims
{
    /// <summary>Counts a message's inbox rows under the consumer id of <typeparamref name="TSaga"/> and <typeparamref name="TMessage"/> on <paramref name="queue"/>.</summary>
    public static Func<Guid, Task<long>> Of<TSaga, TMessage>(PostgresDatabase database, string queue)
        where TSaga : class, ISaga
        where TMessage : class
    {
        var consumer = JobMetadataCache<TSaga, TMessage>.GenerateJobTypeId(queue);
        return message => database.ScalarAsync<long>(
            $"SELECT count(*) FROM inbox_state WHERE message_id = '{message}' AND consumer_id = '{consumer}'");
    }
}
