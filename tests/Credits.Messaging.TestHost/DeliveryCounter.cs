using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace Credits.Messaging.TestHost;

/// <summary>
/// Downstream of the outbox, deliberately without an inbox: counts every delivery of a MessageId in
/// PostgreSQL, so a duplicate sent by the relay shows as Deliveries = 2.
/// </summary>
public sealed class DeliveryCounter(OutboxTestDbContext dbContext) : IConsumer<ProbeRecorded>
{
    public Task Consume(ConsumeContext<ProbeRecorded> context) =>
        dbContext.Database.ExecuteSqlAsync($"""
            INSERT INTO counted_delivery (message_id, probe_id, deliveries) VALUES ({context.MessageId!.Value}, {context.Message.ProbeId}, 1)
            ON CONFLICT (message_id) DO UPDATE SET deliveries = counted_delivery.deliveries + 1
            """, context.CancellationToken);
}
