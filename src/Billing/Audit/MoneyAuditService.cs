using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Credits.Billing.Audit;

/// <summary>Runs <see cref="MoneyAudit"/> over the lookback every <see cref="MoneyAuditOptions.Interval"/>, in a scope of its own.</summary>
public sealed class MoneyAuditService(IServiceScopeFactory scopes, IOptions<MoneyAuditOptions> options, ILogger<MoneyAuditService> logger)
    : BackgroundService
{
    public const string RequestedBy = "schedule";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.Interval == TimeSpan.Zero) return;
        using var timer = new PeriodicTimer(options.Value.Interval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<MoneyAudit>().RunAsync(RequestedBy, ct: stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogError(e, "Money audit run failed; retrying next interval");
            }
        }
    }
}
