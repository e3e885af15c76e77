using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace Credits.Messaging.TestHost;

/// <summary>
/// Downstream of the outbox, deliberately without an inbox: counts every delivery of a MessageId in
/// PostgreSQL, so a duplicate sent by a relay shows as Deliveries = 2. Consumes in batches so that counting
/// 10,000 deliveries costs a few dozen statements, not 10,000.
/// </summary>
public sealed class DeliveryCounter(OutboxTestDbContext dbContext) : IConsumer<Batch<ProbeRecorded>>
{
    public Task Consume(ConsumeContext<Batch<ProbeRecorded>> context)
    {
        var messageIds = context.Message.Select(m => m.MessageId!.Value).ToArray();
        var probeIds = context.Message.Select(m => m.Message.ProbeId).ToArray();
        // Grouped first: one batch may hold the same MessageId twice, and ON CONFLICT may touch a row once.
        return dbContext.Database.ExecuteSqlAsync($"""
            INSERT INTO counted_delivery (message_id, probe_id, deliveries)
            SELECT message_id, (array_agg(probe_id))[1], count(*)
            FROM unnest({messageIds}, {probeIds}) AS delivery (message_id, probe_id)
            GROUP BY message_id
            ON CONFLICT (message_id) DO UPDATE SET deliveries = counted_delivery.deliveries + excluded.deliveries
            """, context.CancellationToken);
    }
}
