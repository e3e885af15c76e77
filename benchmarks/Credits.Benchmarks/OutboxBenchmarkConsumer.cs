using Credits.Messaging;
using MassTransit;

namespace Credits.Benchmarks;

/// <summary>
/// What a typical consumer does: one row and one event, committed together by the outbox. All of it is in PostgreSQL,
/// so the inbox is claimed in the outbox's last save.
/// </summary>
[ClaimsInboxOnCommit]
public sealed class OutboxBenchmarkConsumer(OutboxBenchmarkDbContext dbContext) : IConsumer<OutboxBenchmarkRequested>
{
    public Task Consume(ConsumeContext<OutboxBenchmarkRequested> context)
    {
        dbContext.Rows.Add(new OutboxBenchmarkRow { Id = context.Message.Id, Written = DateTime.UtcNow });
        return context.Publish(new OutboxBenchmarkForwarded { Id = context.Message.Id }, context.CancellationToken);
    }
}
