using Credits.Billing.Customers;
using Credits.Billing.Storage;
using Credits.Contracts.Billing;
using Credits.Ledger;
using Credits.Ledger.Queries;
using Credits.Messaging;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Credits.Billing.Metering;

/// <summary>
/// One flush of overage to the Stripe meter. Per customer and period, what the ledger has not reported
/// becomes a <see cref="MeterReport"/> row first (identifier = the ledger's report key, built from the
/// entry range), is sent, and only once Stripe accepted it is the ledger's overage marked reported, in
/// one transaction with the row. A crash anywhere leaves a pending row, resent unchanged next time;
/// Stripe deduplicates it by identifier. A customer with a pending report gets no new one until it is
/// accepted, so each customer costs at most one event (and shares a 100-event stream call) per flush.
/// Instances serialize on a PostgreSQL advisory lock: one flushes, the others skip.
/// </summary>
public sealed class OverageMeter(DbContext db, CreditLedger ledger, StripeCustomerLinks links, MeterEventSender sender,
    IOptions<OverageMeteringOptions> options, MeteringStatistics statistics, TimeProvider clock, ILogger<OverageMeter> logger,
    IPublishEndpoint? publish = null)
{
    /// <summary>Advisory lock key of the metering flush ("CrdMeter").</summary>
    const long FlushLock = 0x4372644D65746572;

    public async Task<MeteringFlush> FlushAsync(CancellationToken ct = default)
    {
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            if (!await db.Database.SqlQuery<bool>($"SELECT pg_try_advisory_lock({FlushLock}) AS \"Value\"").SingleAsync(ct))
                return new MeteringFlush(Skipped: true, 0, 0, 0);
            try
            {
                var result = await FlushLockedAsync(ct);
                statistics.Flushed();
                return result;
            }
            finally
            {
                await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_unlock({FlushLock})", CancellationToken.None);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    async Task<MeteringFlush> FlushLockedAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var pending = await db.Set<MeterReport>().Where(r => r.AcceptedAt == null).OrderBy(r => r.CreatedAt).ToListAsync(ct);
        var fresh = await PrepareNewReportsAsync(pending.Select(r => r.CustomerId).ToHashSet(), now, ct);
        var reports = pending.Concat(fresh).ToList();
        if (reports.Count == 0) return new MeteringFlush(false, 0, 0, 0);

        var accepted = await sender.SendAsync(reports, ct);
        await RecordAcceptedAsync(accepted, reports, ct);
        var failed = reports.Count - accepted.Count;
        if (failed > 0)
            logger.LogWarning("Metering: {Failed} of {Total} overage reports not accepted by Stripe yet; they are resent next flush ({Error})",
                failed, reports.Count, reports.First(r => r.AcceptedAt is null).LastError);
        return new MeteringFlush(false, reports.Count, accepted.Count, failed);
    }

    /// <summary>Writes (and commits) a pending report for each customer-period with unreported overage and nothing pending.</summary>
    async Task<List<MeterReport>> PrepareNewReportsAsync(HashSet<string> customersWithPending, DateTimeOffset now, CancellationToken ct)
    {
        var unreported = (await ledger.GetUnreportedOverageAsync(null, options.Value.MaxReportsPerFlush, ct))
            .Where(u => !customersWithPending.Contains(u.CustomerId)).ToList();
        if (unreported.Count == 0) return [];
        var linked = await links.FindManyAsync(unreported.Select(u => u.CustomerId).Distinct().ToList(), ct);
        var lastEntryIds = unreported.Select(u => u.LastEntryId).ToArray();
        // By customer and id: entries are keyed by both (LedgerEntryConfiguration).
        var lastEntryCustomers = unreported.Select(u => u.CustomerId).ToArray();
        var usedAt = await db.Database
            // When the usage happened, inside the entry's period and never after it was recorded: Stripe bills a meter
            // event on the invoice of the period its timestamp falls in, and late usage of the previous period
            // (the ledger's late-usage grace) must land on that period's invoice, still a draft for an hour.
            .SqlQuery<EntryTime>($"""
                SELECT id AS "Id", greatest(period_start, least(occurred_at, recorded_at)) AS "UsedAt"
                FROM ledger_entries WHERE (customer_id, id) IN (SELECT * FROM unnest({lastEntryCustomers}, {lastEntryIds}))
                """)
            .ToDictionaryAsync(e => e.Id, e => e.UsedAt, ct);
        var reports = new List<MeterReport>();
        foreach (var overage in unreported)
        {
            if (!linked.TryGetValue(overage.CustomerId, out var link))
            {
                logger.LogWarning("Metering: customer {CustomerId} has {Quantity} overage credits but no Stripe customer link; not reported yet",
                    overage.CustomerId, overage.Quantity);
                continue;
            }
            reports.Add(new MeterReport
            {
                Identifier = overage.ReportKey,
                CustomerId = overage.CustomerId,
                StripeCustomerId = link.StripeCustomerId,
                PeriodStart = overage.PeriodStart,
                Quantity = overage.Quantity,
                LastEntryId = overage.LastEntryId,
                Timestamp = MeterEventWindow.Clamp(usedAt.GetValueOrDefault(overage.LastEntryId, now), now),
                CreatedAt = now,
            });
        }
        db.AddRange(reports);
        await db.SaveChangesAsync(ct);
        return reports;
    }

    /// <summary>Marks accepted reports and the ledger's overage in one transaction; counts attempts of the rest.</summary>
    async Task RecordAcceptedAsync(IReadOnlyList<MeterReport> accepted, List<MeterReport> all, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        foreach (var report in all) report.Attempts++;
        var strategy = db.Database.CreateExecutionStrategy();
        await strategy.ExecuteAsync(async () =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            foreach (var report in accepted)
            {
                report.AcceptedAt = now;
                await ledger.MarkOverageReportedAsync(
                    new UnreportedOverage(report.CustomerId, report.PeriodStart, report.Quantity, report.LastEntryId), ct);
                if (publish is not null)
                    await publish.Publish(new OverageReported
                    {
                        CustomerId = report.CustomerId, StripeCustomerId = report.StripeCustomerId, PeriodStart = report.PeriodStart,
                        Quantity = report.Quantity, LastEntryId = report.LastEntryId, Identifier = report.Identifier, ReportedAt = now,
                    }, ct);
            }
            await db.SaveAndCommitAsync(transaction, ct);
        });
    }

    sealed class EntryTime
    {
        public long Id { get; set; }
        public DateTimeOffset UsedAt { get; set; }
    }
}

/// <summary>What one flush did: reports sent (pending ones included), accepted, left pending.</summary>
public sealed record MeteringFlush(bool Skipped, int Sent, int Accepted, int Pending);
