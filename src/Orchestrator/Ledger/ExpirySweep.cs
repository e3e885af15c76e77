using Credits.Ledger;
using Credits.Persistence;
using Microsoft.Extensions.Options;

namespace Credits.Orchestrator.Ledger;

/// <summary>
/// Lapses what is due even when no usage arrives: plan allowances at their period's end (with the
/// plan's rollover) and forgotten reservations. Each account in its own transaction, with its
/// balance notifications through the bus outbox. Safe on several instances: the ledger locks the
/// account and an expiry that already happened finds nothing left to expire.
/// </summary>
public sealed class ExpirySweep(IServiceScopeFactory scopes, IOptions<LedgerOptions> options, TimeProvider clock,
    ILogger<ExpirySweep> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.ExpirySweepInterval, clock);
        do
        {
            try
            {
                await SweepAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Expiry sweep failed; retrying at the next interval");
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    public async Task<int> SweepAsync(CancellationToken ct)
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
        return due.Count - failed;
    }
}
