using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Credits.Billing.Reconciliation;

/// <summary>Runs <see cref="BillingReconciliation.RunAsync"/> every interval, in a scope of its own.</summary>
public sealed class ReconciliationService(IServiceScopeFactory scopes, IOptions<ReconciliationOptions> options,
    ILogger<ReconciliationService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.Interval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<BillingReconciliation>().RunAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogError(e, "Reconciliation run failed; retrying next interval");
            }
        }
    }
}
