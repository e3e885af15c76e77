using System.Diagnostics;
using System.Globalization;
using Credits.Contracts.Customers;
using Credits.Contracts.Diagnostics;
using Credits.Contracts.PlanChanges;
using Credits.Contracts.TopUps;
using Credits.Sagas.StateMachines;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Credits.Benchmarks;

/// <summary>
/// The saga load test of issue 7 (not a timed test): N Hobby customers, each with a saved test card (every tenth
/// one declines), then, with a share of Stripe's write calls failing (before and after execution), one plan
/// change to Pro AND one credit purchase per customer published at once (half charge the saved card, half go
/// through Checkout, paid through the emulator's control API as soon as the saga has its session). Measures the
/// time until every saga is in a final state and the command-to-final-state latencies, then checks the
/// outcome in Stripe and the ledger (<see cref="SagaLoadChecks"/>); any violation fails the run. Baseline: the
/// same number of RoundTripRequested commands through the same Orchestrator (one hop, one row, no Stripe).
/// A smaller round of the same load (--warm-up, 20 customers by default) runs first on the fresh hosts.
/// Build first: dotnet build -c Release Credits.sln
/// </summary>
public sealed class SagaLoadScenario : IBenchmarkScenario
{
    public string Name => "sagas";
    public string Description => "N concurrent plan changes + top-ups under Stripe faults: time to final states, p50/p95/p99, invariant/duplicate/ledger checks";

    public const long PurchaseCredits = 500;
    public const long PurchaseAmount = 500;
    public static readonly string[] PlanChangeFinalStates = ["Completed", "Failed", "CompensationFailed", "Rejected"];
    public static readonly string[] TopUpFinalStates = ["Completed", "Cancelled", "Refunded"];

    public async Task RunAsync(BenchmarkContext context, CancellationToken ct)
    {
        var count = context.Int("customers", 200);
        var rate = double.Parse(context.String("fault-rate", "0.1"), CultureInfo.InvariantCulture);
        var wait = TimeSpan.FromMinutes(context.Int("wait-minutes", 10));
        Console.WriteLine($"  starting the system ({DateTime.UtcNow:HH:mm:ss} UTC, load average {LoadAverage()})");
        await using var system = await SagaLoadSystem.StartAsync(ct);
        var runId = "sl" + Guid.NewGuid().ToString("N")[..6];
        var customers = Enumerable.Range(0, count).Select(i => new SagaLoadCustomer(i, runId)).ToList();
        var stripe = system.Stripe.CreateClient();

        // The first round meets a cold Orchestrator (JIT, empty pools, start-up work); the second is the baseline.
        var (coldTime, _) = await RoundTripsAsync(system, 2 * count, "sagas-cold", ct);
        context.Report("RoundTripRequested commands, cold host", 2 * count / coldTime.TotalSeconds, "msg/s",
            $"{2 * count:N0} published at once right after start-up, {coldTime.TotalSeconds:N1} s");
        var (baselineTime, baselineLatencies) = await RoundTripsAsync(system, 2 * count, "sagas-baseline", ct);
        context.Report("baseline: RoundTripRequested commands", 2 * count / baselineTime.TotalSeconds, "msg/s",
            $"{2 * count:N0} published at once to the same (warm) Orchestrator, publish to committed row, {baselineTime.TotalSeconds:N1} s");
        ReportPercentiles(context, "baseline: publish to committed", baselineLatencies, "from the row's requested_at/completed_at");

        // A smaller round of the same load first (--warm-up N customers, 0 for none): the measured round then meets
        // hosts that have compiled the sagas' paths (Stripe's objects, the upgrade, Checkout, the retries after
        // faults), as a system that has been running has. On fresh hosts the JIT compiled thousands of methods during
        // the load phase, and warm hosts took 10 to 15 % off its time (docs/BENCHMARKS.md, twenty-fourth session).
        var warmUp = context.Int("warm-up", 20);
        if (warmUp > 0)
        {
            var warm = Enumerable.Range(0, warmUp).Select(i => new SagaLoadCustomer(i, runId + "w")).ToList();
            await PrepareAsync(system, stripe, warm, ct);
            var warmRound = await LoadAsync(system, warm, rate, wait, ct);
            await SettleAsync(system, warm, ct);
            context.Report("warm-up round: time to all final states", warmRound.Seconds, "s",
                $"{2 * warmUp:N0} sagas of the same kinds and faults on the fresh hosts, {(warmRound.AllFinal ? "all final" : "**not all final**")}; not in the figures below");
        }

        var registration = await PrepareAsync(system, stripe, customers, ct);
        context.Report("registration to Active (no faults)", count / registration.TotalSeconds, "sagas/s",
            $"{count:N0} RegisterCustomer at once, Hobby, {registration.TotalSeconds:N1} s (setup, not under faults)");

        var (last, allFinal, before, after, loadStart) = await LoadAsync(system, customers, rate, wait, ct);

        var finalCount = customers.Count(c => c.ChangeFinalAt is not null) + customers.Count(c => c.PurchaseFinalAt is not null);
        context.Report("time to all final states", last, "s", allFinal
            ? $"{2 * count:N0} sagas ({count:N0} plan changes + {count:N0} top-ups), first publish to last final state seen"
            : $"**only {finalCount:N0} of {2 * count:N0} final after {wait.TotalMinutes:N0} min**");
        context.Report("sagas completed per second", finalCount / last, "sagas/s", "final states / time to all final states");
        context.Report("Stripe faults injected", before + after, "requests",
            $"{before:N0} refused before execution (5xx, 429), {after:N0} executed with the response lost (5xx)");
        var all = customers.SelectMany(c => new[] { c.ChangeFinalAt - c.ChangePublishedAt, c.PurchaseFinalAt - c.PurchasePublishedAt })
            .OfType<double>().ToList();
        ReportPercentiles(context, "command to final state, all sagas", all, "polled every 100 ms");
        ReportPercentiles(context, "plan change (upgrade to Pro)", customers.Select(c => c.ChangeFinalAt - c.ChangePublishedAt).OfType<double>().ToList(), "");
        ReportPercentiles(context, "top-up, saved card", customers.Where(c => c.SavedCard).Select(c => c.PurchaseFinalAt - c.PurchasePublishedAt).OfType<double>().ToList(), "");
        ReportPercentiles(context, "top-up, checkout", customers.Where(c => !c.SavedCard).Select(c => c.PurchaseFinalAt - c.PurchasePublishedAt).OfType<double>().ToList(),
            "includes the session's creation, the emulated payment and the webhooks through the Gateway");
        foreach (var group in customers.GroupBy(c => (c.Declined, c.ChangeState)).OrderBy(g => g.Key.Declined).ThenBy(g => g.Key.ChangeState))
            context.Report($"plan changes {group.Key.ChangeState}, {(group.Key.Declined ? "declined card" : "good card")}", group.Count(), "sagas");
        foreach (var group in customers.GroupBy(c => (c.Declined, c.PurchaseKind, c.PurchaseState)).OrderBy(g => g.Key.Declined).ThenBy(g => g.Key.PurchaseKind).ThenBy(g => g.Key.PurchaseState))
            context.Report($"top-ups {group.Key.PurchaseState}, {group.Key.PurchaseKind}, {(group.Key.Declined ? "declined card" : "good card")}", group.Count(), "sagas");

        await SettleAsync(system, customers, ct);
        try
        {
            await SagaLoadWebhooks.ReportAsync(context, system.Stripe, stripe, loadStart, ct);
        }
        catch (Stripe.StripeException e)
        {
            // A figure, not a check: say it is missing and go on to the checks.
            Console.WriteLine($"  webhook figures unavailable: {e.Message}");
        }
        if (context.String("sabotage", "false") == "true") await SagaLoadSabotage.ApplyAsync(system, stripe, customers, ct);
        var checks = new SagaLoadChecks(system, stripe);
        await checks.RunAsync(customers, ct);
        foreach (var (status, n) in checks.SubscriptionStatuses.OrderBy(s => s.Key))
            context.Report($"Stripe subscriptions {status} after the run", n, "subscriptions");
        foreach (var (check, n) in checks.Checked.OrderBy(c => c.Key))
            Console.WriteLine($"  checked {n,4} x {check}");
        foreach (var note in checks.Notes) Console.WriteLine($"  note: {note}");
        foreach (var violation in checks.Violations) Console.WriteLine($"  VIOLATION {violation}");
        context.Report("violations", checks.Violations.Count, "", checks.Violations.Count == 0
            ? $"{checks.Checked.Values.Sum():N0} checks: final states, invariant, duplicates, payments, grants, books, balances"
            : string.Join("; ", checks.Violations.Select(v => v[..v.IndexOf(']')].TrimStart('[')).Distinct()));
        context.Report("Orchestrator peak RSS", BenchmarkContext.PeakRssMb(system.Orchestrator.ProcessId!.Value), "MB", "VmHWM over the whole run");
        Console.WriteLine($"  finished {DateTime.UtcNow:HH:mm:ss} UTC, load average {LoadAverage()}");
        if (checks.Violations.Count > 0 || !allFinal) context.Fail($"{checks.Violations.Count} violations");
    }

    /// <summary>Every customer registered (Hobby), with its test card saved and Hobby's allowance granted; returns the registration's time.</summary>
    static async Task<TimeSpan> PrepareAsync(SagaLoadSystem system, Stripe.StripeClient stripe, List<SagaLoadCustomer> customers, CancellationToken ct)
    {
        var registration = await RegisterAsync(system, customers, ct);
        await SaveCardsAsync(stripe, customers, ct);
        await WaitForAllowancesAsync(system, customers, ct);
        return registration;
    }

    /// <summary>
    /// One round of the load: the faults on, every ChangePlan and PurchaseCredits published at once, every saga
    /// waited for, the faults off. Returns the seconds from the first publish to the last final state seen, and when
    /// the publishing began.
    /// </summary>
    static async Task<(double Seconds, bool AllFinal, int FaultsBefore, int FaultsAfter, DateTimeOffset Start)> LoadAsync(
        SagaLoadSystem system, List<SagaLoadCustomer> customers, double rate, TimeSpan wait, CancellationToken ct)
    {
        var rules = await SagaLoadFaults.ApplyAsync(system.Stripe.Control, rate, customers.Select(c => c.SubscriptionId).ToList());
        foreach (var rule in rules) Console.WriteLine($"  fault: {rule}");
        Console.WriteLine($"  publishing {customers.Count:N0} ChangePlan + {customers.Count:N0} PurchaseCredits ({DateTime.UtcNow:HH:mm:ss} UTC, load average {LoadAverage()})");
        var start = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        await PublishAsync(system, customers, clock, ct);
        var allFinal = await WaitForFinalStatesAsync(system, customers, clock, wait, ct);
        var last = customers.SelectMany(c => new[] { c.ChangeFinalAt, c.PurchaseFinalAt }).Max() ?? clock.Elapsed.TotalMilliseconds;
        var (before, after) = SagaLoadFaults.Injected(system.Stripe);
        await system.Stripe.Control.ClearFaultsAsync();
        return (last / 1000, allFinal, before, after, start);
    }

    /// <summary>The baseline: n RoundTripRequested published at once; the Orchestrator stores one row each.</summary>
    static async Task<(TimeSpan Elapsed, List<double> Latencies)> RoundTripsAsync(SagaLoadSystem system, int n, string text, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, n).Select(_ => system.Bus.Publish(new RoundTripRequested
        {
            RoundTripId = Guid.NewGuid(), Text = text, RequestedAt = DateTimeOffset.UtcNow,
        }, ct)));
        await using var connection = new NpgsqlConnection(system.ConnectionString);
        await connection.OpenAsync(ct);
        while (await ScalarAsync<long>(connection, $"SELECT count(*) FROM round_trip WHERE text = '{text}'", ct) < n)
        {
            if (clock.Elapsed > TimeSpan.FromMinutes(5)) throw new TimeoutException("the baseline round trips did not all arrive");
            await Task.Delay(20, ct);
        }
        var elapsed = clock.Elapsed;
        var latencies = new List<double>();
        await using var command = new NpgsqlCommand(
            $"SELECT extract(epoch FROM completed_at - requested_at)::float8 * 1000 FROM round_trip WHERE text = '{text}'", connection);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) latencies.Add(reader.GetDouble(0));
        return (elapsed, latencies);
    }

    static async Task<TimeSpan> RegisterAsync(SagaLoadSystem system, List<SagaLoadCustomer> customers, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(customers.Select(c => system.Bus.Publish(new RegisterCustomer
        {
            CustomerId = c.CustomerId, Email = $"{c.CustomerId}@example.com", Name = c.CustomerId, PlanId = "hobby",
        }, ct)));
        var ids = customers.Select(c => c.CustomerId).ToList();
        while (true)
        {
            await using var db = system.NewDbContext();
            var sagas = await db.Set<CustomerLifecycleState>().AsNoTracking().Where(x => ids.Contains(x.CustomerId)).ToListAsync(ct);
            if (sagas.FirstOrDefault(s => s.CurrentState == "RegistrationFailed") is { } failed)
                throw new InvalidOperationException($"registration of {failed.CustomerId} failed: {failed.LastError}\n{system.HostOutput()}");
            if (sagas.Count(s => s.CurrentState == "Active") == customers.Count)
            {
                var elapsed = clock.Elapsed;
                var byId = sagas.ToDictionary(s => s.CustomerId);
                foreach (var c in customers)
                {
                    c.StripeCustomerId = byId[c.CustomerId].StripeCustomerId!;
                    c.SubscriptionId = byId[c.CustomerId].SubscriptionId!;
                }
                return elapsed;
            }
            if (clock.Elapsed > TimeSpan.FromMinutes(5))
                throw new TimeoutException($"{sagas.Count(s => s.CurrentState == "Active")} of {customers.Count} customers Active after 5 min: " +
                    string.Join(", ", sagas.GroupBy(s => s.CurrentState).Select(g => $"{g.Count()} {g.Key}")) +
                    $"; first: {sagas.FirstOrDefault()?.LastError}\n{system.HostOutput()}");
            await Task.Delay(200, ct);
        }
    }

    /// <summary>A test card as each customer's default payment method, as Checkout or the portal would save it.</summary>
    static Task SaveCardsAsync(Stripe.StripeClient stripe, List<SagaLoadCustomer> customers, CancellationToken ct) =>
        Parallel.ForEachAsync(customers, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct }, async (c, token) =>
        {
            var card = await stripe.V1.PaymentMethods.AttachAsync(c.TestCard, new() { Customer = c.StripeCustomerId }, cancellationToken: token);
            await stripe.V1.Customers.UpdateAsync(c.StripeCustomerId, new() { InvoiceSettings = new() { DefaultPaymentMethod = card.Id } },
                cancellationToken: token);
        });

    /// <summary>Hobby's 200 credits on every account before the load starts, so the ledger checks compare against a known start.</summary>
    static async Task WaitForAllowancesAsync(SagaLoadSystem system, List<SagaLoadCustomer> customers, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(system.ConnectionString);
        await connection.OpenAsync(ct);
        var clock = Stopwatch.StartNew();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM ledger_accounts WHERE customer_id = ANY(@ids) AND balance = 200", connection);
        command.Parameters.AddWithValue("ids", customers.Select(c => c.CustomerId).ToArray());
        while ((long)(await command.ExecuteScalarAsync(ct))! < customers.Count)
        {
            if (clock.Elapsed > TimeSpan.FromMinutes(2)) throw new TimeoutException("not every account has Hobby's 200 credits");
            await Task.Delay(200, ct);
        }
    }

    /// <summary>Every ChangePlan and PurchaseCredits at once; each one's time is taken just before its publish.</summary>
    static Task PublishAsync(SagaLoadSystem system, List<SagaLoadCustomer> customers, Stopwatch clock, CancellationToken ct) =>
        Task.WhenAll(customers.SelectMany(c => new[]
        {
            Task.Run(() =>
            {
                c.ChangePublishedAt = clock.Elapsed.TotalMilliseconds;
                return system.Bus.Publish(new ChangePlan { OperationId = c.OperationId, CustomerId = c.CustomerId, NewPlanId = "pro" }, ct);
            }, ct),
            Task.Run(() =>
            {
                c.PurchasePublishedAt = clock.Elapsed.TotalMilliseconds;
                return system.Bus.Publish(new PurchaseCredits
                {
                    PurchaseId = c.PurchaseId, CustomerId = c.CustomerId, StripeCustomerId = c.StripeCustomerId,
                    Credits = PurchaseCredits, Amount = PurchaseAmount, Currency = "usd", UseSavedCard = c.SavedCard,
                }, ct);
            }, ct),
        }));

    /// <summary>
    /// Polls the saga rows every 100 ms, notes when each saga is first seen in a final state, and pays each
    /// Checkout session (the customer on the hosted page) as soon as its top-up saga has one.
    /// </summary>
    static async Task<bool> WaitForFinalStatesAsync(SagaLoadSystem system, List<SagaLoadCustomer> customers, Stopwatch clock, TimeSpan wait,
        CancellationToken ct)
    {
        var byOperation = customers.ToDictionary(c => c.OperationId);
        var byPurchase = customers.ToDictionary(c => c.PurchaseId);
        var operations = byOperation.Keys.ToList();
        var purchases = byPurchase.Keys.ToList();
        var payments = new List<Task>();
        var nextReport = 5.0;
        while (true)
        {
            await using (var db = system.NewDbContext())
            {
                var changes = await db.Set<PlanChangeState>().AsNoTracking().Where(x => operations.Contains(x.CorrelationId))
                    .Select(x => new { x.CorrelationId, x.CurrentState }).ToListAsync(ct);
                var topUps = await db.Set<TopUpState>().AsNoTracking().Where(x => purchases.Contains(x.CorrelationId))
                    .Select(x => new { x.CorrelationId, x.CurrentState, x.CheckoutSessionId }).ToListAsync(ct);
                var now = clock.Elapsed.TotalMilliseconds;
                foreach (var change in changes)
                {
                    var c = byOperation[change.CorrelationId];
                    c.ChangeState = change.CurrentState;
                    if (c.ChangeFinalAt is null && PlanChangeFinalStates.Contains(change.CurrentState)) c.ChangeFinalAt = now;
                }
                foreach (var topUp in topUps)
                {
                    var c = byPurchase[topUp.CorrelationId];
                    c.PurchaseState = topUp.CurrentState;
                    if (c.PurchaseFinalAt is null && TopUpFinalStates.Contains(topUp.CurrentState)) c.PurchaseFinalAt = now;
                    if (topUp is { CurrentState: "AwaitingPayment", CheckoutSessionId: { } session } && !c.CheckoutCompleteSent)
                    {
                        c.CheckoutCompleteSent = true;
                        payments.Add(PayCheckoutAsync(system, c, session));
                    }
                }
            }
            var done = customers.Count(c => c.ChangeFinalAt is not null) + customers.Count(c => c.PurchaseFinalAt is not null);
            if (clock.Elapsed.TotalSeconds >= nextReport)
            {
                Console.WriteLine($"  {clock.Elapsed.TotalSeconds,6:N1} s: {done} of {2 * customers.Count} sagas final");
                nextReport += 5;
            }
            if (done == 2 * customers.Count) break;
            if (clock.Elapsed > wait) break;
            await Task.Delay(100, ct);
        }
        await Task.WhenAll(payments);
        return customers.All(c => c.ChangeFinalAt is not null && c.PurchaseFinalAt is not null);
    }

    static async Task PayCheckoutAsync(SagaLoadSystem system, SagaLoadCustomer customer, string sessionId)
    {
        try
        {
            await system.Stripe.Control.CheckoutAsync(sessionId, "complete");
        }
        catch (HttpRequestException e)
        {
            // The saga then stays AwaitingPayment and the checks report it; say why here.
            Console.WriteLine($"  paying checkout session {sessionId} of {customer.CustomerId} failed: {e.Message}");
        }
    }

    /// <summary>
    /// After the last final state: PlanChanged/PlanChangeFailed still travel to the customer sagas, and Stripe's
    /// webhooks (duplicates included) still reach the Gateway. The checks run once those have arrived.
    /// </summary>
    static async Task SettleAsync(SagaLoadSystem system, List<SagaLoadCustomer> customers, CancellationToken ct)
    {
        var ids = customers.Select(c => c.CustomerId).ToList();
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromMinutes(2))
        {
            await using var db = system.NewDbContext();
            var busy = await db.Set<CustomerLifecycleState>().CountAsync(x => ids.Contains(x.CustomerId) && x.PlanChangeOperationId != null, ct);
            var deliveries = await system.Stripe.Control.DeliveriesAsync();
            var pending = (int?)deliveries["pending"] ?? 0;
            if (busy == 0 && pending == 0) break;
            await Task.Delay(500, ct);
        }
        await Task.Delay(TimeSpan.FromSeconds(3), ct); // what the last webhook started is committed
    }

    static void ReportPercentiles(BenchmarkContext context, string what, List<double> milliseconds, string note)
    {
        if (milliseconds.Count == 0)
        {
            context.Report($"{what} p50", double.NaN, "ms", "no samples");
            return;
        }
        milliseconds.Sort();
        double At(double p) => milliseconds[Math.Clamp((int)Math.Ceiling(p * milliseconds.Count) - 1, 0, milliseconds.Count - 1)];
        context.Report($"{what} p50", At(0.50), "ms", $"{milliseconds.Count:N0} samples{(note == "" ? "" : ", " + note)}");
        context.Report($"{what} p95", At(0.95), "ms");
        context.Report($"{what} p99", At(0.99), "ms", $"max {milliseconds[^1]:N0} ms");
    }

    static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync(ct))!;
    }

    static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";
}
