using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Credits.Billing.Metering;

/// <summary>Runs <see cref="OverageMeter.FlushAsync"/> every flush interval, each in a scope of its own.</summary>
public sealed class OverageMeteringService(IServiceScopeFactory scopes, IOptions<OverageMeteringOptions> options,
    ILogger<OverageMeteringService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.FlushInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<OverageMeter>().FlushAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // Nothing is lost: unsent overage stays unreported in the ledger or pending in stripe_meter_reports.
                logger.LogError(e, "Metering flush failed; retrying next interval");
            }
        }
    }
}
