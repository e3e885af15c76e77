using Credits.Billing.StripeAdapter;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Credits.Billing.Catalog;

/// <summary>
/// At Orchestrator start: syncs the catalog to Stripe when Catalog:SyncOnStart is true, then resolves
/// every configured lookup key to its price id in <see cref="PriceDirectory"/>. Start-up waits for it
/// (up to <see cref="CatalogOptions.StartupWait"/>) so the bus, registered after this service, starts
/// consuming with prices known; if Stripe is unreachable the host starts anyway (usage ingestion needs
/// no Stripe) and keeps trying in the background, while messages that need a price are retried.
/// </summary>
public sealed class CatalogStartup(CatalogSync sync, StripeCalls stripe, BillingCatalog catalog, PriceDirectory directory,
    IOptions<CatalogOptions> options, ILogger<CatalogStartup> logger) : IHostedService, IDisposable
{
    readonly CancellationTokenSource _stopping = new();
    Task? _running;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _running = Task.Run(() => RunAsync(_stopping.Token), CancellationToken.None);
        var waited = await Task.WhenAny(_running, Task.Delay(options.Value.StartupWait, cancellationToken));
        if (waited != _running)
            logger.LogWarning("Stripe prices not resolved within {Wait}; starting anyway and retrying in the background", options.Value.StartupWait);
    }

    async Task RunAsync(CancellationToken ct)
    {
        var synced = !options.Value.SyncOnStart;
        for (var attempt = 0; !ct.IsCancellationRequested; attempt++)
        {
            try
            {
                if (!synced)
                {
                    var report = await sync.RunAsync(ct);
                    if (!report.Succeeded) logger.LogError("Catalog sync at start-up incomplete: {Report}", report);
                    synced = true;
                }
                if (await ResolveAsync(ct)) return;
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                logger.LogError(e, "Catalog start-up failed (attempt {Attempt})", attempt + 1);
            }
            await Task.Delay(StripeCalls.Backoff(TimeSpan.FromSeconds(1), attempt), ct);
        }
    }

    /// <summary>Looks every configured lookup key up in Stripe (ten per request, Stripe's filter limit).</summary>
    async Task<bool> ResolveAsync(CancellationToken ct)
    {
        var keys = catalog.Plans.SelectMany(p => p.OverageAllowed ? new[] { p.FlatLookupKey, p.OverageLookupKey } : [p.FlatLookupKey])
            .Concat(catalog.Packs.Select(p => p.LookupKey)).Distinct().ToList();
        var prices = await PriceLookup.ByLookupKeysAsync(stripe, keys, ct);
        if (!prices.Succeeded)
        {
            logger.LogWarning("Could not resolve Stripe prices: {Failure}", prices.Failure);
            return false;
        }
        var found = prices.Value!.ToDictionary(p => p.Key, p => p.Value.Id);
        var missing = keys.Where(k => !found.ContainsKey(k)).ToList();
        if (missing.Count > 0)
        {
            logger.LogError("Stripe has no price for {LookupKeys}; run `Credits.Orchestrator sync-catalog`", string.Join(", ", missing));
            return false;
        }
        directory.Resolve(found);
        logger.LogInformation("Resolved {Count} Stripe prices", found.Count);
        return true;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        if (_running is not null) await Task.WhenAny(_running, Task.Delay(Timeout.Infinite, cancellationToken));
    }

    public void Dispose() => _stopping.Dispose();
}
