using Credits.Messaging.Jobs;
using Credits.Testing;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace Credits.Messaging.Tests.Jobs;

/// <summary>
/// A periodic job's runs are recorded, so its health says whether it works: a run that throws or leaves part of its work
/// undone degrades it until a run succeeds, and a job that stops running degrades it once three intervals have passed.
/// </summary>
public class PeriodicJobTests
{
    [Fact]
    public async Task A_failing_job_is_degraded_until_a_run_succeeds_and_the_job_keeps_running()
    {
        var runs = new JobRuns(TimeProvider.System);
        var health = new PeriodicJobsHealthCheck(runs, TimeProvider.System);
        var job = new ScriptedJob(runs, [Fail, Fail, Incomplete, Succeed]) { HoldBeforeRun = 3 };
        await job.StartAsync(CancellationToken.None);
        try
        {
            var failing = await Eventually.Get(() => Task.FromResult(runs.Current.SingleOrDefault()), s => s?.ConsecutiveFailures == 3,
                TimeSpan.FromSeconds(10), "three failed runs in a row");
            Assert.Equal("the sweep left 2 accounts", failing!.LastFailure);
            Assert.NotNull(failing.FailingSince);
            Assert.Null(failing.LastSucceededAt);
            var degraded = await health.CheckHealthAsync(new HealthCheckContext());
            Assert.Equal(HealthStatus.Degraded, degraded.Status);
            Assert.Contains("scripted: failing since", degraded.Description);
            Assert.Contains("3 runs in a row", degraded.Description);

            job.Release();
            await Eventually.True(() => Task.FromResult(runs.Current.Single().LastSucceededAt is not null), TimeSpan.FromSeconds(10),
                "the fourth run succeeds");
            var healed = runs.Current.Single();
            Assert.Equal(0, healed.ConsecutiveFailures);
            Assert.Null(healed.FailingSince);
            Assert.Equal(HealthStatus.Healthy, (await health.CheckHealthAsync(new HealthCheckContext())).Status);
        }
        finally
        {
            await job.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task An_exception_is_recorded_by_its_type_not_its_message()
    {
        var runs = new JobRuns(TimeProvider.System);
        var job = new ScriptedJob(runs, [() => throw new InvalidOperationException("Host=db.internal;Password=hunter2")])
        {
            HoldBeforeRun = 1,
        };
        await job.StartAsync(CancellationToken.None);
        try
        {
            var failed = await Eventually.Get(() => Task.FromResult(runs.Current.SingleOrDefault()), s => s?.ConsecutiveFailures > 0,
                TimeSpan.FromSeconds(10));
            Assert.Equal(nameof(InvalidOperationException), failed!.LastFailure);
            var description = (await new PeriodicJobsHealthCheck(runs, TimeProvider.System).CheckHealthAsync(new HealthCheckContext())).Description;
            Assert.DoesNotContain("hunter2", description);
        }
        finally
        {
            await job.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task A_run_that_finds_more_due_runs_again_at_once()
    {
        var runs = new JobRuns(TimeProvider.System);
        // An hour between ticks: only "more due" can bring the second and third runs.
        var job = new ScriptedJob(runs, [More, More, Succeed], TimeSpan.FromHours(1));
        await job.StartAsync(CancellationToken.None);
        try
        {
            await Eventually.True(() => Task.FromResult(job.Runs == 3), TimeSpan.FromSeconds(10), "three runs within the first tick");
        }
        finally
        {
            await job.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public void A_job_with_no_successful_run_for_three_intervals_is_late()
    {
        var now = new DateTimeOffset(2026, 12, 6, 6, 0, 0, TimeSpan.Zero);
        var status = new JobStatus("money-audit", TimeSpan.FromHours(1), ScheduledAt: now, LastSucceededAt: now,
            FailingSince: null, ConsecutiveFailures: 0, LastFailure: null);

        Assert.Null(PeriodicJobsHealthCheck.Problem(status, now + TimeSpan.FromHours(3)));
        Assert.Equal("money-audit: no run has succeeded since 2026-12-06 06:00:00Z (it runs every 01:00:00)",
            PeriodicJobsHealthCheck.Problem(status, now + TimeSpan.FromHours(3) + TimeSpan.FromSeconds(1)));

        // A job every second is late after five minutes, not after three seconds: a run may take a while.
        var frequent = status with { Interval = TimeSpan.FromSeconds(1) };
        Assert.Null(PeriodicJobsHealthCheck.Problem(frequent, now + TimeSpan.FromMinutes(5)));
        Assert.NotNull(PeriodicJobsHealthCheck.Problem(frequent, now + TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1)));

        // Never a success yet: late counts from when the instance scheduled it.
        var neverRan = status with { LastSucceededAt = null };
        Assert.Null(PeriodicJobsHealthCheck.Problem(neverRan, now + TimeSpan.FromHours(2)));
        Assert.NotNull(PeriodicJobsHealthCheck.Problem(neverRan, now + TimeSpan.FromHours(4)));
    }

    static JobOutcome Fail() => throw new TimeoutException();
    static JobOutcome Incomplete() => JobOutcome.Incomplete("the sweep left 2 accounts");
    static JobOutcome Succeed() => JobOutcome.Done;
    static JobOutcome More() => JobOutcome.More;

    /// <summary>
    /// Runs its script one step per run, then succeeds; every 50 ms unless told otherwise. Run number
    /// <see cref="HoldBeforeRun"/> (from 0) waits for <see cref="Release"/>, so a test can read the state before it.
    /// </summary>
    sealed class ScriptedJob(JobRuns runs, Func<JobOutcome>[] script, TimeSpan? interval = null)
        : PeriodicJob(runs, TimeProvider.System, NullLogger.Instance)
    {
        readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        int _runs;

        public int? HoldBeforeRun { get; init; }

        public void Release() => _released.TrySetResult();

        public int Runs => Volatile.Read(ref _runs);

        public override string Name => "scripted";

        protected override TimeSpan Interval => interval ?? TimeSpan.FromMilliseconds(50);

        protected override async Task<JobOutcome> RunOnceAsync(CancellationToken ct)
        {
            var run = Interlocked.Increment(ref _runs) - 1;
            if (run == HoldBeforeRun) await _released.Task.WaitAsync(ct);
            return run < script.Length ? script[run]() : JobOutcome.Done;
        }
    }
}
