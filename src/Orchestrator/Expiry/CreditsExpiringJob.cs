using Credits.Ledger.Expiry;
using Credits.Messaging;
using Credits.Persistence;
using MassTransit;
using Microsoft.Extensions.Options;

namespace Credits.Orchestrator.Expiry;

/// <summary>
/// Publishes CreditsExpiring for grants that lapse within Ledger:ExpiryWarning:WarnBefore, once per grant. Safe on
/// several instances without a lock: each warning is a row keyed by its grant, inserted in the transaction that writes
/// the outbox message, so two runners claiming the same grant produce one row and one message (the second insert waits
/// for the first to commit and then does nothing). Rules: docs/lifecycle/auto-top-up.md.
/// </summary>
public sealed class CreditsExpiringJob(IServiceScopeFactory scopes, IOptions<ExpiryWarningOptions> options, TimeProvider clock,
    ILogger<CreditsExpiringJob> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.Interval, clock);
        do
        {
            try
            {
                await RunAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Credit expiry warnings failed; retrying at the next interval");
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>Warns about every qualifying grant not warned about yet, a batch per transaction; returns how many.</summary>
    public async Task<int> RunAsync(CancellationToken ct)
    {
        var total = 0;
        while (true)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<CreditsDbContext>();
            var publish = scope.ServiceProvider.GetRequiredService<IPublishEndpoint>();

            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var warnings = await ExpiryWarnings.ClaimAsync(db, clock.GetUtcNow(), options.Value.WarnBefore, options.Value.BatchSize, ct);
            foreach (var warning in warnings)
                await publish.Publish(warning, ct);
            await db.SaveAndCommitAsync(transaction, ct);

            total += warnings.Count;
            if (warnings.Count < options.Value.BatchSize) break;
        }
        if (total > 0) logger.LogInformation("Warned about {Grants} grants expiring within {WarnBefore}", total, options.Value.WarnBefore);
        return total;
    }
}
