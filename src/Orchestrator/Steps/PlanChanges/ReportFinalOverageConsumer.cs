using Credits.Billing.Metering;
using Credits.Billing.Storage;
using Credits.Contracts.PlanChanges;
using Credits.Ledger;
using Credits.Persistence;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace Credits.Orchestrator.Steps.PlanChanges;

/// <summary>
/// Before a downgrade removes the metered item, every overage credit of the ending period must have reached
/// Stripe's meter, or it would never be billed. Flushes the overage meter (the same flush as the periodic
/// loop, serialized with it by its advisory lock) until the ledger has nothing unreported for the customer.
/// Runs the flush in its own scope: the flush commits its own transactions, which the step's outbox
/// transaction must not swallow.
/// </summary>
public sealed class ReportFinalOverageConsumer(IServiceScopeFactory scopes, CreditLedger ledger, CreditsDbContext db)
    : IConsumer<ReportFinalOverage>
{
    const int Attempts = 10;

    public async Task Consume(ConsumeContext<ReportFinalOverage> context)
    {
        var m = context.Message;
        var ct = context.CancellationToken;
        for (var attempt = 0; ; attempt++)
        {
            var unreported = (await ledger.GetUnreportedOverageAsync(m.CustomerId, ct: ct)).Where(u => u.PeriodStart == m.PeriodStart).Sum(u => u.Quantity);
            var pending = await db.Set<MeterReport>().AnyAsync(r => r.CustomerId == m.CustomerId && r.AcceptedAt == null, ct);
            if (unreported == 0 && !pending) break;
            if (attempt >= Attempts)
                throw new InvalidOperationException($"{unreported} overage credits of customer {m.CustomerId} could not be reported to Stripe yet");

            await using var scope = scopes.CreateAsyncScope();
            var flush = await scope.ServiceProvider.GetRequiredService<OverageMeter>().FlushAsync(ct);
            // Skipped: another instance holds the flush lock and is reporting right now; look again shortly.
            if (flush.Skipped || flush.Pending > 0) await Task.Delay(TimeSpan.FromMilliseconds(200 * (attempt + 1)), ct);
        }

        var quantity = await db.Set<MeterReport>()
            .Where(r => r.CustomerId == m.CustomerId && r.PeriodStart == m.PeriodStart && r.AcceptedAt != null)
            .SumAsync(r => r.Quantity, ct);
        await context.Publish(new FinalOverageReported { OperationId = m.OperationId, Quantity = quantity, Requester = m.Requester }, ct);
    }
}
