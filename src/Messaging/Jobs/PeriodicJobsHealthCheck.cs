using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Credits.Messaging.Jobs;

/// <summary>
/// Degraded while a periodic job of this instance is failing (its last run failed) or late (no run has succeeded for
/// three intervals, and at least five minutes: a run may take a while, as a batch of webhooks to receivers that time out
/// does, 50 posts eight at a time with 10 s each). Degraded, not unhealthy:
/// the instance still serves, and a restart would not mend a job that fails for a reason outside it. The description
/// names the jobs, and the host's health check log line carries it.
/// </summary>
public sealed class PeriodicJobsHealthCheck(JobRuns runs, TimeProvider clock) : IHealthCheck
{
    public const int LateAfterIntervals = 3;
    public static readonly TimeSpan LateAtTheEarliest = TimeSpan.FromMinutes(5);

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        var jobs = runs.Current;
        var problems = jobs.Select(job => Problem(job, now)).OfType<string>().ToList();
        return Task.FromResult(problems.Count == 0
            ? HealthCheckResult.Healthy($"{jobs.Count} periodic jobs running on schedule")
            : HealthCheckResult.Degraded(string.Join("; ", problems)));
    }

    public static string? Problem(JobStatus job, DateTimeOffset now)
    {
        if (job.FailingSince is { } since)
            return $"{job.Job}: failing since {Time(since)} ({job.ConsecutiveFailures} runs in a row; last: {job.LastFailure})";
        var lastGood = job.LastSucceededAt ?? job.ScheduledAt;
        var late = job.Interval * LateAfterIntervals;
        if (late < LateAtTheEarliest) late = LateAtTheEarliest;
        return now - lastGood > late
            ? $"{job.Job}: no run has succeeded since {Time(lastGood)} (it runs every {job.Interval})"
            : null;
    }

    static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("u", CultureInfo.InvariantCulture);
}
