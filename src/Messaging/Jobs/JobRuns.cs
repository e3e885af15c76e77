using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Credits.Messaging.Jobs;

/// <summary>
/// The outcome of every periodic job's runs in this instance: read by <see cref="PeriodicJobsHealthCheck"/> and counted
/// in the meter <c>Credits.Messaging</c> (<c>credits.jobs.runs</c> by job and outcome, <c>credits.jobs.run.duration</c>).
/// Each instance keeps its own: every instance runs every job, and each one's health says whether its own runs work.
/// </summary>
/// <remarks>A static meter, as <see cref="DeliveryMetrics"/>: the library needs no metrics services in its host's container.</remarks>
public sealed class JobRuns(TimeProvider clock)
{
    public const string RunsName = "credits.jobs.runs";
    public const string DurationName = "credits.jobs.run.duration";

    static readonly Meter Meter = new(DeliveryMetrics.MeterName);

    static readonly Counter<long> Runs = Meter.CreateCounter<long>(RunsName, "{run}",
        "Runs of the periodic jobs (expiry sweep and warnings, overage metering, money audit, webhooks, inbox, scheduler) and passes of the outbox relay, by job and outcome");

    static readonly Histogram<double> Duration = Meter.CreateHistogram<double>(DurationName, "s", "How long a periodic job's run took");

    readonly ConcurrentDictionary<string, JobStatus> _jobs = new();

    public IReadOnlyCollection<JobStatus> Current => [.. _jobs.Values.OrderBy(j => j.Job, StringComparer.Ordinal)];

    public void Scheduled(string job, TimeSpan interval) =>
        _jobs[job] = new JobStatus(job, interval, clock.GetUtcNow(), null, null, 0, null);

    public void Succeeded(string job, TimeSpan took)
    {
        Record(job, "succeeded", took);
        _jobs.AddOrUpdate(job, _ => throw new UnreachableException($"{job} was never scheduled"),
            (_, status) => status with { LastSucceededAt = clock.GetUtcNow(), FailingSince = null, ConsecutiveFailures = 0, LastFailure = null });
    }

    public void Failed(string job, TimeSpan took, string reason)
    {
        Record(job, "failed", took);
        var now = clock.GetUtcNow();
        _jobs.AddOrUpdate(job, _ => throw new UnreachableException($"{job} was never scheduled"),
            (_, status) => status with
            {
                FailingSince = status.FailingSince ?? now, ConsecutiveFailures = status.ConsecutiveFailures + 1, LastFailure = reason,
            });
    }

    static void Record(string job, string outcome, TimeSpan took)
    {
        var tags = new TagList { { "job", job }, { "outcome", outcome } };
        Runs.Add(1, tags);
        Duration.Record(took.TotalSeconds, tags);
    }
}
