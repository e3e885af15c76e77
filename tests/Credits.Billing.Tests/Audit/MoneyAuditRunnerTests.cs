using Credits.Billing.Audit;
using Credits.Billing.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Xunit;

namespace Credits.Billing.Tests.Audit;

/// <summary>
/// The audit's runner on the real PostgreSQL, with checks written for the test: a difference is stored once, a safe
/// repair runs once and only once, a failing check hides nothing else, and only one run holds the books at a time.
/// </summary>
public sealed class MoneyAuditRunnerTests : IAsyncLifetime
{
    readonly AuditTestDatabase _database = new();
    static readonly DateTimeOffset PaymentTime = DateTimeOffset.UtcNow.AddHours(-2);

    public Task InitializeAsync() => _database.InitializeAsync();

    public Task DisposeAsync() => _database.DisposeAsync();

    BillingTestDbContext NewDb() => _database.NewDb();

    Task<AuditRun> RunAsync(params IAuditCheck[] checks) => _database.RunAuditAsync(_ => checks);

    async Task<List<AuditDifference>> DifferencesAsync()
    {
        await using var db = NewDb();
        return await db.Set<AuditDifference>().AsNoTracking().OrderBy(d => d.Subject).ToListAsync();
    }

    [Fact]
    public async Task A_difference_found_by_two_runs_is_stored_once_and_its_safe_repair_runs_once()
    {
        var check = new FixedCheck(("pi_1", true));

        var first = await RunAsync(check);
        var stored = Assert.Single(await DifferencesAsync());
        Assert.Equal((AuditDifferenceStatus.Repaired, "repaired pi_1 (1)"), (stored.Status, stored.Repair));
        var second = await RunAsync(check);

        Assert.Single(await DifferencesAsync());
        Assert.Equal(1, check.Repairs);
        Assert.Equal((1, 1, 1), (first.Found, first.New, first.Repaired));
        // Found again after its repair: the repair did not work, so an operator looks; it is never run a second time.
        Assert.Equal((1, 0, 0), (second.Found, second.New, second.Repaired));
        Assert.Equal(AuditDifferenceStatus.RepairFailed, (await DifferencesAsync()).Single().Status);
        Assert.Contains("still found by a later run", (await DifferencesAsync()).Single().Repair);
    }

    [Fact]
    public async Task A_repaired_difference_that_is_gone_on_the_next_run_stays_repaired()
    {
        var check = new FixedCheck(("pi_1", true));
        await RunAsync(check);
        check.Found.Clear(); // the repair worked: the books agree now

        var second = await RunAsync(check);

        Assert.Equal((0, 0, 0), (second.Found, second.New, second.Cleared));
        Assert.Equal(AuditDifferenceStatus.Repaired, (await DifferencesAsync()).Single().Status);
        Assert.Equal(1, check.Repairs);
    }

    [Fact]
    public async Task A_repair_that_throws_is_recorded_as_failed_and_not_retried()
    {
        var check = new FixedCheck(("pi_1", true)) { RepairThrows = true };

        await RunAsync(check);
        await RunAsync(check);

        var stored = Assert.Single(await DifferencesAsync());
        Assert.Equal(AuditDifferenceStatus.RepairFailed, stored.Status);
        Assert.StartsWith("repair failed: Stripe said no", stored.Repair);
        Assert.Equal(1, check.Repairs);
    }

    [Fact]
    public async Task An_open_difference_no_longer_found_is_cleared_and_comes_back_open_if_found_again()
    {
        var check = new FixedCheck(("in_1", false));
        await RunAsync(check);
        check.Found.Clear();

        var cleared = await RunAsync(check);
        Assert.Equal(1, cleared.Cleared);
        Assert.Equal(AuditDifferenceStatus.Cleared, (await DifferencesAsync()).Single().Status);

        check.Found.Add(("in_1", false));
        await RunAsync(check);
        Assert.Equal(AuditDifferenceStatus.Open, Assert.Single(await DifferencesAsync()).Status);
    }

    [Fact]
    public async Task A_failing_check_hides_nothing_the_others_found_and_clears_nothing_of_its_own()
    {
        var failing = new FixedCheck(("in_9", false)) { Kind = "failing_kind" };
        await RunAsync(failing);
        failing.Throws = true;

        var run = await RunAsync(failing, new FixedCheck(("pi_2", false)));

        Assert.Equal(AuditRunStatus.Completed, run.Status);
        Assert.Contains("fixed: Stripe unreachable", run.Error);
        var stored = await DifferencesAsync();
        Assert.Equal(["in_9", "pi_2"], stored.Select(d => d.Subject));
        Assert.All(stored, d => Assert.Equal(AuditDifferenceStatus.Open, d.Status)); // in_9 not cleared: its check did not look
    }

    [Fact]
    public async Task A_run_asked_for_while_another_holds_the_books_is_recorded_as_skipped()
    {
        var gate = new TaskCompletionSource();
        var slow = new FixedCheck(("pi_3", false)) { Gate = gate.Task };
        var running = RunAsync(slow);
        await slow.Started.Task;

        var skipped = await RunAsync(new FixedCheck(("pi_4", false)));
        gate.SetResult();
        var completed = await running;

        Assert.Equal(AuditRunStatus.Skipped, skipped.Status);
        Assert.Equal(AuditRunStatus.Completed, completed.Status);
        Assert.Equal(["pi_3"], (await DifferencesAsync()).Select(d => d.Subject));
    }

    [Fact]
    public async Task A_queued_run_is_run_under_its_id_once()
    {
        var runId = Guid.NewGuid();
        var check = new FixedCheck(("pi_5", true));
        await using (var db = NewDb())
        {
            var audit = AuditTestDatabase.NewAudit(db, [check]);
            var window = AuditTestDatabase.LastDay();
            var run = await audit.RunAsync("alice", window, runId);
            // The request delivered again: the run is already finished, nothing runs twice.
            var again = await audit.RunAsync("alice", window, runId);
            Assert.Equal((runId, AuditRunStatus.Completed, "alice"), (run.Id, run.Status, run.RequestedBy));
            Assert.Equal(run.FinishedAt, again.FinishedAt);
        }
        Assert.Equal(1, check.Repairs);
        Assert.Equal(1, check.Runs);
    }

    /// <summary>Reports the given subjects; a subject marked true comes with a repair that counts itself.</summary>
    sealed class FixedCheck(params (string Subject, bool Repairable)[] found) : IAuditCheck
    {
        public List<(string Subject, bool Repairable)> Found { get; } = [.. found];
        public string Kind { get; init; } = "fixed_kind";
        public bool Throws { get; set; }
        public bool RepairThrows { get; init; }
        public Task? Gate { get; init; }
        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public int Repairs;
        public int Runs;

        public string Name => "fixed";
        public IReadOnlyList<string> Kinds => [Kind];

        Task<string> Repair(string subject)
        {
            Repairs++;
            if (RepairThrows) throw new InvalidOperationException("Stripe said no");
            return Task.FromResult($"repaired {subject} ({Repairs})");
        }

        public async Task RunAsync(AuditRunContext run, CancellationToken ct)
        {
            Runs++;
            Started.TrySetResult();
            if (Gate is not null) await Gate;
            if (Throws) throw new InvalidOperationException("Stripe unreachable");
            foreach (var (subject, repairable) in Found)
                run.Report(new AuditFinding
                {
                    Kind = Kind, Subject = subject, CustomerId = "c_1", Expected = "1 grant", Actual = "0 grants", OccurredAt = PaymentTime,
                    Evidence = new AuditEvidence { StripeIds = [subject] },
                    Repair = repairable ? _ => Repair(subject) : null,
                });
        }
    }
}
