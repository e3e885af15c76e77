using System.Diagnostics;
using Credits.Contracts.Diagnostics;
using Credits.Messaging;
using Credits.Persistence;
using Credits.Persistence.Diagnostics;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace Credits.Orchestrator.Consumers;

/// <summary>
/// Stores a diagnostic round trip; idempotent on the round trip id, so redelivery is harmless. The outbox's last save
/// writes the row with the inbox claim, then commits: two round trips after the read.
/// </summary>
[ClaimsInboxOnCommit]
public class RoundTripRequestedConsumer(CreditsDbContext db, TimeProvider clock) : IConsumer<RoundTripRequested>
{
    public async Task Consume(ConsumeContext<RoundTripRequested> context)
    {
        var message = context.Message;
        if (await db.RoundTrips.AnyAsync(x => x.Id == message.RoundTripId, context.CancellationToken))
            return;

        db.RoundTrips.Add(new RoundTrip
        {
            Id = message.RoundTripId,
            Text = message.Text,
            RequestedAt = message.RequestedAt,
            CompletedAt = clock.GetUtcNow(),
            TraceId = Activity.Current?.TraceId.ToString(),
        });
    }
}
