using System.Diagnostics;
using System.Globalization;
using Credits.Contracts.Customers;
using Credits.Contracts.PlanChanges;
using Credits.Sagas.StateMachines;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Credits.Benchmarks.Chaos;

/// <summary>
/// The chaos soak (issue 15; docs/RELIABILITY.md): the real system with two instances of each host, driven with usage
/// events (bus single and batched, HTTP, about 5 % re-sent), plan changes, top-ups and reservations, while an
/// Orchestrator is killed every ~20 s, a Gateway is killed under HTTP load, and RabbitMQ and PostgreSQL are restarted.
/// Once every event is acknowledged and the queues have drained, <see cref="ChaosChecks"/> checks the books; any
/// violation fails the run. Run it with scripts/chaos.sh (it owns the services it restarts).
/// Options: --events N (1,000,000), --customers N (200), --rate events/s (800), --queues quorum|classic,
/// --kill-every seconds (20), --sabotage true, --wedge-queue true (a quorum queue loses its leader at 80 % of the load:
/// the run must restart the broker and still balance its books).
/// </summary>
public sealed class ChaosScenario : IBenchmarkScenario
{
    public string Name => "chaos";
    public string Description => "chaos soak: usage, sagas and reservations through SIGKILLs, a Gateway kill, RabbitMQ and PostgreSQL restarts; books checked";

    public async Task RunAsync(BenchmarkContext context, CancellationToken ct)
    {
        ChaosServices.EnsureChaosProfile();
        var events = context.Int("events", 1_000_000);
        var customerCount = context.Int("customers", 200);
        var rate = context.Int("rate", 800);
        var quorum = context.QuorumQueues(fallback: true);
        var killEvery = TimeSpan.FromSeconds(context.Int("kill-every", 20));
        var sabotage = context.String("sabotage", "false") == "true";
        var wedge = context.String("wedge-queue", "false") == "true";
        Say($"starting: {events:N0} events, {customerCount} customers, {(quorum ? "quorum" : "classic")} queues, load average {LoadAverage()}");

        await using var system = await ChaosSystem.StartAsync(quorum, webhookDuplicateRate: 0.05, ct);
        var runId = "ch" + Guid.NewGuid().ToString("N")[..6];
        var customers = Enumerable.Range(0, customerCount).Select(i => new ChaosCustomer(i, runId)).ToList();
        var stripe = system.Stripe.CreateClient();
        await SetUpCustomersAsync(system, stripe, customers, ct);

        var book = new UsageBook(runId, customers.Select(c => c.CustomerId).ToList(), events, DateTimeOffset.UtcNow);
        var clock = Stopwatch.StartNew();
        var expected = TimeSpan.FromSeconds(events / (double)rate);
        var producers = new UsageProducers(system, book, clock);
        var traffic = new SagaTraffic(system, customers);
        var faults = new ChaosFaults(system, clock);
        var progress = new ChaosProgress(system, book, clock);
        using var load = CancellationTokenSource.CreateLinkedTokenSource(ct);
        Say($"load begins: {rate:N0} events/s offered, about {expected.TotalMinutes:N1} min");
        var produced = producers.RunAsync(rate, ct);
        using var paying = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var payments = traffic.PayCheckoutsAsync(paying.Token);
        var sagaTraffic = traffic.RunAsync(expected, load.Token);
        var faulting = faults.RunAsync(expected, killEvery, load.Token);
        var wedging = wedge ? faults.WedgeQueueAsync(expected, load.Token) : Task.CompletedTask;
        var sampling = progress.RunAsync(load.Token);
        await AwaitProducersAsync(produced, progress, faults, system, book);
        var producedAt = clock.Elapsed;
        Say($"every event acknowledged after {producedAt.TotalSeconds:N0} s; ending the faults");
        await load.CancelAsync();
        await IgnoreCancellation(sagaTraffic);
        await IgnoreCancellation(faulting);
        await IgnoreCancellation(wedging);
        await IgnoreCancellation(sampling);
        await faults.EnsureAllRunningAsync();

        var drained = await DrainAsync(system, book, clock, ct);
        var drainTime = drained - producedAt;
        Say($"drained after {drainTime.TotalSeconds:N0} s more");
        await SettleSagasAsync(system, ct);
        await paying.CancelAsync();
        await IgnoreCancellation(payments);

        if (sabotage) await ChaosSabotage.ApplyAsync(system, stripe, customers, ct);
        var checks = new ChaosChecks(system, stripe, book, traffic, customers, faults.Skipped);
        await checks.RunAsync(ct);

        Report(context, book, traffic, faults, progress, checks, system, producedAt, drainTime, quorum);
        foreach (var violation in checks.Violations) Console.WriteLine($"  VIOLATION {violation}");
        foreach (var error in producers.ServerErrors) Console.WriteLine($"  HTTP error answer: {error}");
        Say($"finished, load average {LoadAverage()}");
        if (checks.Violations.Count > 0)
        {
            Console.WriteLine($"  host warnings and errors: {Path.Combine(Path.GetTempPath(), "credits-chaos-hosts.log")}");
            context.Fail($"{checks.Violations.Count} violations");
        }
    }

    static void Report(BenchmarkContext context, UsageBook book, SagaTraffic traffic, ChaosFaults faults, ChaosProgress progress,
        ChaosChecks checks, ChaosSystem system, TimeSpan producedAt, TimeSpan drainTime, bool quorum)
    {
        context.Report("queues asked for", quorum ? 1 : 0, quorum ? "quorum" : "classic", checks.QueueTypes);
        context.Report("usage events (unique)", book.Total, "events", "bus single 30 %, bus batches of 100 50 %, HTTP batches of 50 20 % (by pacing)");
        context.Report("deliberate re-sends (same event id)", book.Resends, "events", $"{100.0 * book.Resends / book.Total:N1} % of the unique events");
        context.Report("re-sent after a failure", book.Retries, "events",
            $"{book.PublishFailures:N0} publishes unconfirmed, HTTP: {book.Http503:N0} x 503, {book.Http502:N0} x 502 (cut by a killed Gateway), {book.HttpTimeouts:N0} no answer, {book.Http500:N0} x 500");
        context.Report("time to acknowledge every event", producedAt.TotalSeconds, "s", $"{book.Total / producedAt.TotalSeconds:N0} events/s on average");
        context.Report("time to drain after the last acknowledgement", drainTime.TotalSeconds, "s", "every usage event in the ledger, queues empty");
        context.Report("RabbitMQ restarts by the operator after a stall", faults.OperatorRestarts, "", "0 unless the broker stopped taking publishes (DIAGNOSIS lines say why)");
        foreach (var fault in faults.Log) context.Report($"fault at {fault.At.TotalSeconds:N0} s: {fault.What}", fault.Recovery.TotalSeconds, "s", "until the instance or service was back");
        var (during, between) = progress.Throughput(faults.Log);
        context.Report("ledger entries/s while a fault was on", during, "entries/s", "committed usage entries (max id), sampled every 2 s");
        context.Report("ledger entries/s between faults", between, "entries/s", "");
        context.Report("balancer failovers (connection refused)", system.Balancer.RefusedFailovers, "requests", $"{system.Balancer.CutRequests:N0} requests cut in flight (502)");
        foreach (var (outcome, n) in traffic.Outcomes.OrderBy(o => o.Key)) context.Report(outcome, n, "");
        var (total, expired, settled, released) = checks.ReservationFigures;
        context.Report("reservations", total, "", $"{settled:N0} settled, {released:N0} released, {expired:N0} expired");
        context.Report("messages in error queues", checks.ErrorMessages, "messages", "each must carry its reason");
        context.Report("checks", checks.Checked.Values.Sum(), "", string.Join("; ", checks.Checked.Select(c => $"{c.Key} x{c.Value:N0}")));
        context.Report("violations", checks.Violations.Count, "");
    }

    /// <summary>Registered on Hobby, a card saved, every other customer upgraded to Pro: the starting point, without faults.</summary>
    static async Task SetUpCustomersAsync(ChaosSystem system, Stripe.StripeClient stripe, List<ChaosCustomer> customers, CancellationToken ct)
    {
        await Task.WhenAll(customers.Select(c => system.Bus.Publish(new RegisterCustomer
        {
            CustomerId = c.CustomerId, Email = $"{c.CustomerId}@example.com", Name = c.CustomerId, PlanId = "hobby",
        }, ct)));
        var sagas = await WaitAsync(system, customers.Select(c => c.CustomerId).ToList(), s => s.CurrentState == "Active", "Active", ct);
        foreach (var c in customers)
        {
            c.StripeCustomerId = sagas[c.CustomerId].StripeCustomerId!;
            c.SubscriptionId = sagas[c.CustomerId].SubscriptionId!;
        }
        await Parallel.ForEachAsync(customers, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct }, async (c, token) =>
        {
            var card = await stripe.V1.PaymentMethods.AttachAsync("pm_card_visa", new() { Customer = c.StripeCustomerId }, cancellationToken: token);
            await stripe.V1.Customers.UpdateAsync(c.StripeCustomerId, new() { InvoiceSettings = new() { DefaultPaymentMethod = card.Id } }, cancellationToken: token);
        });
        await using (var connection = new NpgsqlConnection(system.ConnectionString))
        {
            await connection.OpenAsync(ct);
            var clock = Stopwatch.StartNew();
            await using var command = new NpgsqlCommand("SELECT count(*) FROM ledger_accounts WHERE customer_id = ANY(@ids) AND balance = 200", connection);
            command.Parameters.AddWithValue("ids", customers.Select(c => c.CustomerId).ToArray());
            while ((long)(await command.ExecuteScalarAsync(ct))! < customers.Count)
            {
                if (clock.Elapsed > TimeSpan.FromMinutes(3)) throw new TimeoutException("not every account has Hobby's 200 credits");
                await Task.Delay(500, ct);
            }
        }
        var pro = customers.Where(c => c.StartsOnPro).ToList();
        await Task.WhenAll(pro.Select(c => system.Bus.Publish(new ChangePlan { OperationId = Guid.NewGuid(), CustomerId = c.CustomerId, NewPlanId = "pro" }, ct)));
        await WaitAsync(system, pro.Select(c => c.CustomerId).ToList(), s => s is { PlanId: "pro", PlanChangeOperationId: null }, "on Pro", ct);
        Say($"{customers.Count} customers set up, {pro.Count} on Pro");
    }

    static async Task<Dictionary<string, CustomerLifecycleState>> WaitAsync(ChaosSystem system, List<string> ids,
        Func<CustomerLifecycleState, bool> done, string what, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            await using var db = system.NewDbContext();
            var sagas = await db.Set<CustomerLifecycleState>().AsNoTracking().Where(x => ids.Contains(x.CustomerId)).ToDictionaryAsync(x => x.CustomerId, ct);
            if (sagas.Count == ids.Count && sagas.Values.All(done)) return sagas;
            if (clock.Elapsed > TimeSpan.FromMinutes(5))
                throw new TimeoutException($"{sagas.Values.Count(done)} of {ids.Count} customers {what} after 5 min\n{system.HostErrors()[^Math.Min(4000, system.HostErrors().Length)..]}");
            await Task.Delay(500, ct);
        }
    }

    /// <summary>Until every acknowledged event is in the ledger and the queues (error queues aside) are empty; returns when.</summary>
    /// <summary>
    /// Until every event is in the ledger and nothing is queued, or nothing is queued and the ledger has not grown for a
    /// minute: then an event is missing for good (lost, or rejected), and the checks name it rather than the run waiting
    /// out its time limit.
    /// </summary>
    static async Task<TimeSpan> DrainAsync(ChaosSystem system, UsageBook book, Stopwatch clock, CancellationToken ct)
    {
        var deadline = clock.Elapsed + TimeSpan.FromMinutes(30);
        var still = TimeSpan.FromMinutes(1);
        var (last, since) = (-1L, clock.Elapsed);
        await using var connection = new NpgsqlConnection(system.ConnectionString);
        await connection.OpenAsync(ct);
        while (clock.Elapsed < deadline)
        {
            await using var command = new NpgsqlCommand(
                "SELECT count(DISTINCT idempotency_key) FROM ledger_entries WHERE kind IN ('Debit', 'Overage', 'WriteOff') AND idempotency_key LIKE 'usage:%'", connection)
            { CommandTimeout = 300 };
            var applied = (long)(await command.ExecuteScalarAsync(ct))!;
            var queued = (await ChaosChecks.QueuesAsync(system.VirtualHost, ct))
                .Where(q => !q.Name.EndsWith("_error") && !q.Name.EndsWith("_skipped")).Sum(q => q.Messages);
            Say($"draining: {applied:N0} of {book.Total:N0} events in the ledger, {queued:N0} messages queued");
            if (applied >= book.Total && queued == 0) return clock.Elapsed;
            if (applied != last || queued > 0) (last, since) = (applied, clock.Elapsed);
            else if (clock.Elapsed - since >= still)
            {
                Say($"nothing queued and no event applied for {still.TotalSeconds:N0} s: {book.Total - applied:N0} events will not come");
                return clock.Elapsed;
            }
            await Task.Delay(5000, ct);
        }
        Say("not drained after 30 minutes; checking what there is");
        return clock.Elapsed;
    }

    /// <summary>The sagas' last messages and Stripe's last webhooks (duplicates and retries included) have arrived.</summary>
    static async Task SettleSagasAsync(ChaosSystem system, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        string[] settled = ["Completed", "Failed", "Rejected", "WaitingForPeriodEnd", "CompensationFailed"];
        string[] final = ["Completed", "Cancelled", "Refunded"];
        while (clock.Elapsed < TimeSpan.FromMinutes(5))
        {
            await using var db = system.NewDbContext();
            var changes = await db.Set<PlanChangeState>().CountAsync(x => !settled.Contains(x.CurrentState), ct);
            var topUps = await db.Set<TopUpState>().CountAsync(x => !final.Contains(x.CurrentState), ct);
            var pending = (int?)(await system.Stripe.Control.DeliveriesAsync())["pending"] ?? 0;
            if (changes == 0 && topUps == 0 && pending == 0) break;
            Say($"settling: {changes} plan changes, {topUps} top-ups in flight, {pending} webhooks pending");
            await Task.Delay(5000, ct);
        }
        await Task.Delay(TimeSpan.FromSeconds(10), ct); // what the last webhook or sweep started is committed
    }

    /// <summary>
    /// Until every event is acknowledged. No fault here stops the producers for long (a RabbitMQ or PostgreSQL restart
    /// is back within seconds, a host within a minute or two), so a stall is something else: after a minute without an
    /// acknowledgement the run describes the services; after two it restarts RabbitMQ, as an operator would, once (a
    /// broker that comes back from its restart with a queue that has no leader stays so; docs/RELIABILITY.md); after
    /// five it fails, rather than running into its caller's time limit with nothing said.
    /// </summary>
    static async Task AwaitProducersAsync(Task produced, ChaosProgress progress, ChaosFaults faults, ChaosSystem system, UsageBook book)
    {
        var described = false;
        while (await Task.WhenAny(produced, Task.Delay(5000)) != produced)
        {
            var still = progress.SinceAcknowledgement;
            if (still < TimeSpan.FromMinutes(1)) described = false;
            else if (!described)
            {
                // Said before anything is done, while the state that stalled the run is still there to see.
                described = true;
                await ChaosDiagnosis.PrintAsync(system, book, $"no event acknowledged for {still.TotalSeconds:N0} s");
            }
            if (still >= TimeSpan.FromMinutes(2) && faults.OperatorRestarts == 0) await faults.RestartBrokerAfterStallAsync(still);
            if (still >= TimeSpan.FromMinutes(5))
            {
                await ChaosDiagnosis.PrintAsync(system, book, $"no event acknowledged for {still.TotalSeconds:N0} s");
                throw new TimeoutException($"FAILED: the producers stalled ({book.AcknowledgedCount:N0} of {book.Total:N0} events acknowledged, none for {still.TotalMinutes:N0} min); see the DIAGNOSIS lines");
            }
        }
        await produced;
    }

    static async Task IgnoreCancellation(Task task)
    {
        try { await task; }
        catch (OperationCanceledException) { }
    }

    internal static void Say(string text) => Console.WriteLine($"  [{DateTime.UtcNow:HH:mm:ss}] {text}");

    internal static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";
}
