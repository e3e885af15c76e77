using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Credits.Billing.Catalog;

/// <summary>Runs <see cref="CatalogSync"/> once at start-up when <c>Catalog:SyncOnStart</c> is true. A failure is logged, not fatal: Stripe may be briefly down.</summary>
public sealed class CatalogSyncOnStart(CatalogSync sync, IOptions<CatalogOptions> options, ILogger<CatalogSyncOnStart> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.SyncOnStart) return;
        try
        {
            var report = await sync.RunAsync(stoppingToken);
            if (!report.Succeeded) logger.LogError("Catalog sync at start-up incomplete: {Report}", report);
        }
        catch (Exception e) when (!stoppingToken.IsCancellationRequested)
        {
            logger.LogError(e, "Catalog sync at start-up failed");
        }
    }
}
