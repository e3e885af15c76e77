using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Credits.Messaging.Jobs;

/// <summary>
/// Work that runs every <see cref="Interval"/> on every instance: the expiry sweep, the expiry warnings, the ledger
/// archive, the overage flush, the money audit, webhook deliveries, the inbox cleanup, the scheduler's due messages. A
/// run that fails is logged and tried again at the next tick, and the instance goes on. Each run's outcome is also
/// recorded in <see cref="JobRuns"/>: a sweep that failed at every run for a day used to show only as log lines, while
/// the credits it should have lapsed stayed spendable.
/// </summary>
public abstract class PeriodicJob(JobRuns runs, TimeProvider clock, ILogger logger) : BackgroundService
{
    /// <summary>The clock the job's timer runs on, for the job's own times too.</summary>
    protected TimeProvider Clock { get; } = clock;

    /// <summary>The job's name in logs, the health check and the metric's <c>job</c> tag.</summary>
    public abstract string Name { get; }

    /// <summary>Time between runs; zero turns the job off.</summary>
    protected abstract TimeSpan Interval { get; }

    /// <summary>Whether the first run comes at start (work that may be overdue) or after one interval.</summary>
    protected virtual bool RunsAtStart => true;

    /// <summary>One run, in scopes of its own. An exception fails the run; so does <see cref="JobOutcome.Incomplete"/>.</summary>
    protected abstract Task<JobOutcome> RunOnceAsync(CancellationToken ct);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (Interval == TimeSpan.Zero) return;
        runs.Scheduled(Name, Interval);
        using var timer = new PeriodicTimer(Interval, Clock);
        if (!RunsAtStart && !await timer.WaitForNextTickAsync(stoppingToken)) return;
        do
        {
            while (await RunAndRecordAsync(stoppingToken)) { }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>Runs once and records the outcome; true when more is due at once.</summary>
    async Task<bool> RunAndRecordAsync(CancellationToken stoppingToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var outcome = await RunOnceAsync(stoppingToken);
            if (outcome.Failure is { } failure)
            {
                // The job has logged each part that failed; this says the run as a whole did not do all it had to.
                runs.Failed(Name, Stopwatch.GetElapsedTime(started), failure);
                logger.LogWarning("{Job} did not finish its run ({Failure}); retrying at the next interval", Name, failure);
                return false;
            }
            runs.Succeeded(Name, Stopwatch.GetElapsedTime(started));
            return outcome.MoreDue && !stoppingToken.IsCancellationRequested;
        }
        catch (Exception e) when (!stoppingToken.IsCancellationRequested)
        {
            // The type only: an exception's message may name a host or carry a value, and the reason goes into the health
            // check's description, which the host logs and a custom health writer might show.
            runs.Failed(Name, Stopwatch.GetElapsedTime(started), e.GetType().Name);
            logger.LogError(e, "{Job} failed; retrying at the next interval", Name);
            return false;
        }
    }
}
