namespace Credits.Messaging.Jobs;

/// <summary>What a periodic job has done since its instance started, as <see cref="JobRuns"/> keeps it.</summary>
/// <param name="Job">The job's name, as in logs and the <c>credits.jobs.runs</c> metric.</param>
/// <param name="Interval">How often it runs.</param>
/// <param name="ScheduledAt">When this instance started the job.</param>
/// <param name="LastSucceededAt">The end of its last run that did all it had to, if any.</param>
/// <param name="FailingSince">The end of the first of the failed runs since then, if its last run failed.</param>
/// <param name="ConsecutiveFailures">Failed runs since the last that succeeded.</param>
/// <param name="LastFailure">Why the last run failed: an exception's type or the job's own reason, never a message that may carry secrets.</param>
public sealed record JobStatus(string Job, TimeSpan Interval, DateTimeOffset ScheduledAt, DateTimeOffset? LastSucceededAt,
    DateTimeOffset? FailingSince, int ConsecutiveFailures, string? LastFailure);
