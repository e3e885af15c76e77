using Credits.Ledger;
using Credits.Messaging.Jobs;
using Credits.Persistence;
using Microsoft.Extensions.Options;

namespace Credits.Orchestrator.Ledger;

/// <summary>
/// Lapses what is due even when no usage arrives: plan allowances at their period's end (with the
/// plan's rollover) and forgotten reservations. Each account in its own transaction, with its
/// balance notifications through the bus outbox. Safe on several instances: the ledger locks the
/// account and an expiry that already happened finds nothing left to expire.
/// </summary>
public sealed class ExpirySweep(IServiceScopeFactory scopes, IOptions<LedgerOptions> options, JobRuns runs, TimeProvider clock,
    ILogger<ExpirySweep> logger) : PeriodicJob(runs, clock, logger)
{
    public override string Name => "expiry-sweep";

    protected override TimeSpan Interval => options.Value.ExpirySweepInterval;

    protected override async Task<JobOutcome> RunOnceAsync(CancellationToken ct)
    {
        var (lapsed, failed) = await SweepAsync(ct);
        // Accounts left with credits that should have lapsed: still spendable until a later sweep lapses them.
        return failed == 0 ? JobOutcome.Done : JobOutcome.Incomplete($"{failed} of {lapsed + failed} accounts could not be expired");
    }

    /// <summary>Lapses what is due on up to 500 accounts; returns how many were expired and how many failed.</summary>
    async Task<(int Lapsed, int Failed)> SweepAsync(CancellationToken ct)
    {
        IReadOnlyList<string> due;
        await using (var scope = scopes.CreateAsyncScope())
            due = await scope.ServiceProvider.GetRequiredService<CreditLedger>().FindAccountsWithDueExpiryAsync(500, ct);

        var failed = 0;
        foreach (var customerId in due)
        {
            // One account that cannot be expired must not keep the accounts after it from theirs: the list comes back in
            // no set order, so a failure that ended the sweep could end every later sweep before the same accounts.
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var ledger = scope.ServiceProvider.GetRequiredService<CreditLedger>();
                await scope.ServiceProvider.GetRequiredService<LedgerWork>().CommitAsync(token => ledger.ExpireDueAsync(customerId, token), ct);
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                failed++;
                logger.LogError(e, "Expiry sweep could not lapse the due credits of {CustomerId}; tried again at the next sweep", customerId);
            }
        }
        if (due.Count > failed) logger.LogInformation("Expiry sweep lapsed due credits on {Accounts} accounts", due.Count - failed);
        return (due.Count - failed, failed);
    }
}
