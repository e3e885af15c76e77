using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Credits.ServiceDefaults;

/// <summary>
/// An instance that cannot finish starting exits, so that its supervisor starts a fresh one. MassTransit gives up
/// waiting for the bus after its start timeout, but then waits, without a limit, for receive endpoints that are
/// neither ready nor faulted: the chaos soak saw an Orchestrator, started while a quorum queue had no leader, live on
/// for minutes never ready and never exiting, even after the broker was mended (docs/RELIABILITY.md). Nothing can be
/// cancelled from inside: a deadline for the whole start is what is left. It lives in the hosts' run path, not in a
/// hosted service, so that test hosts (which never run it) are never ended by it.
/// </summary>
public static class StartupDeadline
{
    /// <summary>The exit code of an instance that gave up starting: EX_TEMPFAIL, "try again later".</summary>
    public const int ExitCode = 75;

    /// <summary>Runs the host (<c>app.RunAsync()</c>), exiting with <see cref="ExitCode"/> when the start outlasts RabbitMq:StartDeadline.</summary>
    public static async Task RunWithStartupDeadlineAsync(this IHost app)
    {
        var deadline = Deadline(app.Services);
        var lifetime = app.Services.GetRequiredService<IHostApplicationLifetime>();
        using var expiry = new CancellationTokenSource(deadline);
        // A finished start disarms the timer.
        using var started = lifetime.ApplicationStarted.Register(() => expiry.CancelAfter(Timeout.InfiniteTimeSpan));
        using var expired = expiry.Token.Register(() =>
        {
            if (lifetime.ApplicationStarted.IsCancellationRequested) return;
            app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(StartupDeadline)).LogCritical(
                "Start-up did not finish within {Deadline}; exiting with {ExitCode} so that a supervisor starts a fresh instance. " +
                "The bus: {BusHealth}", deadline, ExitCode, BusHealth(app.Services));
            // Not a graceful stop: it would wait for the start that is hanging. The console logger writes from its own
            // queue; a moment lets the line above reach the output.
            Thread.Sleep(500);
            Environment.Exit(ExitCode);
        });
        await app.RunAsync();
    }

    /// <summary>
    /// Which receive endpoints never became ready, for the operator who reads why the instance gave up: the bus waits
    /// for all of them, so this names the queue (or the connection) the start hung on. A CI run's chaos soak once had
    /// an Orchestrator give up with nothing in its log but "Bus start canceled" (2026-12-02).
    /// </summary>
    static string BusHealth(IServiceProvider services)
    {
        try
        {
            if (services.GetService<IBusControl>() is not { } bus) return "none";
            var health = bus.CheckHealth();
            var waiting = health.Endpoints.Where(e => e.Value.Status != BusHealthStatus.Healthy)
                .Select(e => $"{e.Key} ({e.Value.Description})").ToList();
            return waiting.Count == 0
                ? $"{health.Status}: {health.Description}"
                : $"{health.Status}: {health.Description}; {waiting.Count} of {health.Endpoints.Count} receive endpoints not ready: {string.Join(", ", waiting)}";
        }
        catch (Exception e)
        {
            // The line above must still be written and the instance still exit: the report is only an aid.
            return $"could not be read ({e.GetType().Name})";
        }
    }

    /// <summary>An invalid setting is the start's to report (options are validated as it begins), so it waits the default here.</summary>
    static TimeSpan Deadline(IServiceProvider services)
    {
        try
        {
            return services.GetRequiredService<IOptions<RabbitMqOptions>>().Value.StartDeadline;
        }
        catch (OptionsValidationException)
        {
            return new RabbitMqOptions().StartDeadline;
        }
    }
}
