using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Credits.Messaging.Jobs;

/// <summary>
/// The outcome of every periodic job's runs in this instance: read by <see cref="PeriodicJobsHealthCheck"/> and counted
/// in the meter <c>Credits.Messaging</c> (<c>credits.jobs.runs</c> by job and outcome, <c>credits.jobs.run.duration</c>).
/// Each instance keeps its own: every instance runs every job, and each one's health says whether its own runs work.
/// A run changes its job's record in place: the relay records every pass, so a run allocates nothing.
/// </summary>
/// <remarks>A static meter, as <see cref="DeliveryMetrics"/>: the library needs no metrics services in its host's container.</remarks>
public sealed class JobRuns(TimeProvider clock)
{
    public const string RunsName = "credits.jobs.runs";
    public const string DurationName = "credits.jobs.run.duration";

    static readonly Meter Meter = new(DeliveryMetrics.MeterName);

    static readonly Counter<long> Runs = Meter.CreateCounter<long>(RunsName, "{run}",
        "Runs of the periodic jobs and passes of the outbox relay, by job and outcome");

    static readonly Histogram<double> Duration = Meter.CreateHistogram<double>(DurationName, "s", "How long a periodic job's run took");

    readonly ConcurrentDictionary<string, Record> _jobs = new();

    /// <summary>Every scheduled job's status now, by name.</summary>
    public IReadOnlyCollection<JobStatus> Current => [.. _jobs.Values.Select(r => r.Status()).OrderBy(j => j.Job, StringComparer.Ordinal)];

    public void Scheduled(string job, TimeSpan interval) => _jobs[job] = new Record(job, interval, clock.GetUtcNow());

    public void Succeeded(string job, TimeSpan took)
    {
        Count(job, "succeeded", took);
        _jobs[job].Succeeded(clock.GetUtcNow());
    }

    public void Failed(string job, TimeSpan took, string reason)
    {
        Count(job, "failed", took);
        _jobs[job].Failed(clock.GetUtcNow(), reason);
    }

    static void Count(string job, string outcome, TimeSpan took)
    {
        var tags = new TagList { { "job", job }, { "outcome", outcome } };
        Runs.Add(1, tags);
        Duration.Record(took.TotalSeconds, tags);
    }

    /// <summary>One job's record; its fields change together under its lock.</summary>
    sealed class Record(string job, TimeSpan interval, DateTimeOffset scheduledAt)
    {
        readonly Lock _lock = new();
        DateTimeOffset? _lastSucceededAt;
        DateTimeOffset? _failingSince;
        int _consecutiveFailures;
        string? _lastFailure;

        public void Succeeded(DateTimeOffset at)
        {
            lock (_lock) (_lastSucceededAt, _failingSince, _consecutiveFailures, _lastFailure) = (at, null, 0, null);
        }

        public void Failed(DateTimeOffset at, string reason)
        {
            lock (_lock) (_failingSince, _consecutiveFailures, _lastFailure) = (_failingSince ?? at, _consecutiveFailures + 1, reason);
        }

        public JobStatus Status()
        {
            lock (_lock) return new JobStatus(job, interval, scheduledAt, _lastSucceededAt, _failingSince, _consecutiveFailures, _lastFailure);
        }
    }
}
