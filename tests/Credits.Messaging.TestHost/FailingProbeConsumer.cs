using MassTransit;

namespace Credits.Messaging.TestHost;

/// <summary>Writes a row and publishes, then fails: neither may survive.</summary>
public class FailingProbeConsumer(OutboxTestDbContext dbContext) : IConsumer<FailingProbeRequested>
{
    public async Task Consume(ConsumeContext<FailingProbeRequested> context)
    {
        dbContext.Probes.Add(new ProbeRow { ProbeId = context.Message.ProbeId, Consumptions = 1 });
        await dbContext.SaveChangesAsync(context.CancellationToken);
        await context.Publish(new ProbeRecorded { ProbeId = context.Message.ProbeId }, context.CancellationToken);
        throw new InvalidOperationException("The probe failed after writing and publishing.");
    }
}

/// <summary>The same failing probe with the inbox claimed in the outbox's last save.</summary>
[ClaimsInboxOnCommit]
public sealed class OnCommitFailingProbeConsumer(OutboxTestDbContext dbContext) : FailingProbeConsumer(dbContext);
