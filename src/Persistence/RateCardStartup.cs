using Credits.Ledger.Pricing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Credits.Persistence;

/// <summary>
/// At host start: publishes the configured rate card versions (<see cref="RateCardPublisher"/>). Start-up waits for
/// it, so a host takes priced usage with its rate cards known. A configuration that contradicts a published version
/// stops the host (it would price differently from the entries already written); PostgreSQL being away does not:
/// the publication is tried again in the background, and priced usage is refused as unpriced until then.
/// </summary>
public sealed class RateCardStartup(IServiceScopeFactory scopes, RateCardCatalog catalog, RateCards rateCards, TimeProvider clock,
    IHostApplicationLifetime lifetime, ILogger<RateCardStartup> logger) : IHostedService, IDisposable
{
    static readonly TimeSpan StartupWait = TimeSpan.FromSeconds(30);
    readonly CancellationTokenSource _stopping = new();
    // Set when waiting longer cannot help: the schema is not migrated yet, so the start goes on at once.
    readonly TaskCompletionSource _stopWaiting = new(TaskCreationOptions.RunContinuationsAsynchronously);
    Task? _running;
    volatile bool _starting = true;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (catalog.Versions.Count == 0) return;
        _running = Task.Run(() => RunAsync(_stopping.Token), CancellationToken.None);
        var finished = await Task.WhenAny(_running, _stopWaiting.Task, Task.Delay(StartupWait, cancellationToken)) == _running;
        _starting = false;
        if (finished)
            await _running; // a conflict fails the start
        else
            logger.LogWarning("Rate cards not published within {Wait}; starting anyway and retrying in the background", StartupWait);
    }

    async Task RunAsync(CancellationToken ct)
    {
        for (var attempt = 0; !ct.IsCancellationRequested; attempt++)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var written = await RateCardPublisher.PublishAsync(scope.ServiceProvider.GetRequiredService<CreditsDbContext>(), catalog, clock.GetUtcNow(), ct);
                rateCards.Invalidate();
                if (written.Count > 0) logger.LogInformation("Published rate card versions {Versions}", string.Join(", ", written));
                return;
            }
            catch (RateCardConflictException e)
            {
                logger.LogCritical("The configured rate cards contradict the published ones: {Conflict}", e.Message);
                if (!_starting) lifetime.StopApplication();
                throw;
            }
            catch (Npgsql.PostgresException e) when (e.SqlState == Npgsql.PostgresErrorCodes.UndefinedTable && !ct.IsCancellationRequested)
            {
                // A database before `migrate`: retrying for the startup wait would only delay the start (and every
                // test host on a fresh database) by the whole wait. Published once the migration has run.
                if (attempt == 0) logger.LogWarning("The database has no rate card table yet (not migrated); publishing once it has");
                _stopWaiting.TrySetResult();
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                logger.LogError(e, "Publishing the rate cards failed (attempt {Attempt})", attempt + 1);
            }
            await Task.Delay(TimeSpan.FromSeconds(Math.Min(30, 1 << Math.Min(attempt, 5))), ct);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        if (_running is not null) await Task.WhenAny(_running, Task.Delay(Timeout.Infinite, cancellationToken));
    }

    public void Dispose() => _stopping.Dispose();
}
