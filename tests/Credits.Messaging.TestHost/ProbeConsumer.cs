using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace Credits.Messaging.TestHost;

/// <summary>Changes state (counts the consumption) and publishes, both through the scoped DbContext's outbox transaction.</summary>
public class ProbeConsumer(OutboxTestDbContext dbContext) : IConsumer<ProbeRequested>
{
    public async Task Consume(ConsumeContext<ProbeRequested> context)
    {
        var probe = await dbContext.Probes.SingleOrDefaultAsync(x => x.ProbeId == context.Message.ProbeId, context.CancellationToken);
        if (probe is null) dbContext.Probes.Add(probe = new ProbeRow { ProbeId = context.Message.ProbeId });
        probe.Consumptions++;
        await dbContext.SaveChangesAsync(context.CancellationToken);
        await context.Publish(new ProbeRecorded { ProbeId = context.Message.ProbeId }, context.CancellationToken);
    }
}

/// <summary>The same probe with the inbox claimed in the outbox's last save (<see cref="ClaimsInboxOnCommitAttribute"/>).</summary>
[ClaimsInboxOnCommit]
public sealed class OnCommitProbeConsumer(OutboxTestDbContext dbContext) : ProbeConsumer(dbContext);

/// <summary>
/// The probe as most consumers are written: it changes its row and publishes, and leaves the save to the outbox, whose
/// last save writes the row, the inbox claim and the outgoing message in one batch that ends with the commit.
/// </summary>
[ClaimsInboxOnCommit]
public sealed class UnsavedProbeConsumer(OutboxTestDbContext dbContext) : IConsumer<ProbeRequested>
{
    public async Task Consume(ConsumeContext<ProbeRequested> context)
    {
        var probe = await dbContext.Probes.SingleOrDefaultAsync(x => x.ProbeId == context.Message.ProbeId, context.CancellationToken);
        if (probe is null) dbContext.Probes.Add(probe = new ProbeRow { ProbeId = context.Message.ProbeId });
        probe.Consumptions++;
        await context.Publish(new ProbeRecorded { ProbeId = context.Message.ProbeId }, context.CancellationToken);
    }
}
