using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text.Json;
using Credits.Contracts.PlanChanges;
using Credits.Contracts.TopUps;
using Credits.Sagas;
using Credits.Sagas.Invariant;
using Credits.Sagas.StateMachines;
using Credits.Testing;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Stripe;
using SubscriptionItem = Credits.Contracts.Customers.SubscriptionItem;

namespace Credits.Benchmarks.Chaos;

/// <summary>
/// What must hold once the queues have drained, each checked where it lives (the ledger and the saga rows in
/// PostgreSQL, Stripe's objects through Stripe.net, the error queues through RabbitMQ's management API). A violation
/// names what it found; the run exits non-zero when there is any.
/// </summary>
public sealed class ChaosChecks(ChaosSystem system, StripeClient stripe, UsageBook book, SagaTraffic traffic, IReadOnlyList<ChaosCustomer> customers,
    IReadOnlyList<string> skippedFaults)
{
    static readonly string[] PlanChangeSettled = ["Completed", "Failed", "Rejected", "WaitingForPeriodEnd"];
    static readonly string[] TopUpFinal = ["Completed", "Cancelled", "Refunded"];

    readonly ConcurrentQueue<string> _violations = new();
    readonly ConcurrentDictionary<string, long> _checked = new();

    public IReadOnlyList<string> Violations => [.. _violations];
    public IReadOnlyDictionary<string, long> Checked => _checked;

    void Violation(string check, string text) => _violations.Enqueue($"[{check}] {text}");
    void Checked_(string check, long n = 1) => _checked.AddOrUpdate(check, n, (_, m) => m + n);

    public async Task RunAsync(CancellationToken ct)
    {
        CheckProducers();
        await CheckUsageAsync(ct);
        await CheckBooksAsync(ct);
        await CheckReservationsAsync(ct);
        await CheckSagasAndStripeAsync(ct);
        await CheckMetersAsync(ct);
        await CheckErrorQueuesAsync(ct);
        await CheckQueueTypesAsync(ct);
    }

    void CheckProducers()
    {
        Checked_("every planned fault done");
        foreach (var fault in skippedFaults) Violation("fault not done", $"{fault}: the load ended before it was due");
        Checked_("every event acknowledged", book.Total);
        if (book.AcknowledgedCount != book.Total)
            Violation("acknowledged", $"{book.Total - book.AcknowledgedCount:N0} of {book.Total:N0} events never acknowledged");
        Checked_("no usage event rejected");
        if (book.Rejected > 0) Violation("rejected", $"{book.Rejected:N0} events rejected (all were valid)");
        Checked_("no HTTP 500");
        var saga500 = traffic.Outcomes.GetValueOrDefault("HTTP 500 re-sent");
        if (book.Http500 + saga500 > 0) Violation("HTTP 500", $"{book.Http500} usage and {saga500} other requests answered 500");
    }

    /// <summary>Each acknowledged event is in the ledger once, for its own credits: no event lost, none applied twice.</summary>
    async Task CheckUsageAsync(CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(system.ConnectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand("""
            SELECT idempotency_key, sum(quantity)::bigint, count(DISTINCT customer_id)::int FROM ledger_entries
            WHERE kind IN ('Debit', 'Overage', 'WriteOff') AND idempotency_key LIKE 'usage:%'
            GROUP BY idempotency_key
            """, connection) { CommandTimeout = 600 };
        var seen = new bool[book.Total];
        long foreign = 0, wrong = 0;
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                var key = reader.GetString(0);
                var n = book.Number(key[(key.LastIndexOf(':') + 1)..]);
                if (n < 0) { foreign++; continue; }
                seen[n] = true;
                if (reader.GetInt64(1) != UsageBook.CreditsOf(n) || !key.Contains($":{book.CustomerOf(n)}:"))
                {
                    if (wrong++ < 5) Violation("applied twice or wrongly", $"event {book.EventId(n)}: {reader.GetInt64(1)} credits in the ledger, sent {UsageBook.CreditsOf(n)} for {book.CustomerOf(n)}");
                }
            }
        }
        Checked_("usage event in the ledger once, for its credits", book.Total);
        var missing = Enumerable.Range(0, book.Total).Where(n => book.IsAcknowledged(n) && !seen[n]).ToList();
        if (missing.Count > 0)
            Violation("lost", $"{missing.Count:N0} acknowledged events not in the ledger, e.g. {string.Join(", ", missing.Take(5).Select(book.EventId))}");
        if (wrong > 5) Violation("applied twice or wrongly", $"... {wrong:N0} events in all");
        if (foreign > 0) Violation("unknown usage", $"{foreign:N0} usage keys in the ledger that no producer sent");

        // The same, per customer: the unique acknowledged events and their credits.
        var expected = new Dictionary<string, (long Events, long Credits)>();
        for (var n = 0; n < book.Total; n++)
        {
            if (!book.IsAcknowledged(n)) continue;
            var c = book.CustomerOf(n);
            var (e, cr) = expected.GetValueOrDefault(c);
            expected[c] = (e + 1, cr + UsageBook.CreditsOf(n));
        }
        await using var perCustomer = new NpgsqlCommand("""
            SELECT customer_id, count(DISTINCT idempotency_key)::bigint, sum(quantity)::bigint FROM ledger_entries
            WHERE kind IN ('Debit', 'Overage', 'WriteOff') AND idempotency_key LIKE 'usage:%' GROUP BY customer_id
            """, connection) { CommandTimeout = 600 };
        var actual = new Dictionary<string, (long Events, long Credits)>();
        await using (var reader = await perCustomer.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct)) actual[reader.GetString(0)] = (reader.GetInt64(1), reader.GetInt64(2));
        foreach (var customer in customers)
        {
            Checked_("usage entries per customer = unique acknowledged events");
            var want = expected.GetValueOrDefault(customer.CustomerId);
            var got = actual.GetValueOrDefault(customer.CustomerId);
            if (want != got)
                Violation("usage per customer", $"{customer.CustomerId}: {got.Events:N0} events / {got.Credits:N0} credits in the ledger, {want.Events:N0} / {want.Credits:N0} acknowledged");
        }
    }

    /// <summary>Every account's balance and held credits are the sums of its entries.</summary>
    async Task CheckBooksAsync(CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(system.ConnectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand("""
            SELECT a.customer_id, a.balance, a.held, coalesce(e.amount, 0)::bigint, coalesce(e.held, 0)::bigint
            FROM ledger_accounts a
            LEFT JOIN (SELECT customer_id, sum(amount) AS amount, sum(held_change) AS held FROM ledger_entries GROUP BY customer_id) e
              ON e.customer_id = a.customer_id
            """, connection) { CommandTimeout = 600 };
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            Checked_("balance and held = sums of the entries");
            if (reader.GetInt64(1) != reader.GetInt64(3) || reader.GetInt64(2) != reader.GetInt64(4))
                Violation("books", $"{reader.GetString(0)}: balance {reader.GetInt64(1)} held {reader.GetInt64(2)}, entries say {reader.GetInt64(3)} and {reader.GetInt64(4)}");
        }
    }

    /// <summary>No reservation holds credits past its expiry (the sweep runs every 5 s here; a minute of slack).</summary>
    async Task CheckReservationsAsync(CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(system.ConnectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand("""
            SELECT count(*) FILTER (WHERE status = 'Open' AND expires_at < now() - interval '1 minute'), count(*),
                   count(*) FILTER (WHERE status = 'Expired'), count(*) FILTER (WHERE status = 'Settled'), count(*) FILTER (WHERE status = 'Released')
            FROM ledger_reservations
            """, connection);
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        Checked_("no reservation holding past its expiry", reader.GetInt64(1));
        ReservationFigures = (reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4));
        if (reader.GetInt64(0) > 0) Violation("reservations", $"{reader.GetInt64(0)} reservations still open a minute past their expiry");
        if (reader.GetInt64(1) < traffic.Reservations.Count)
            Violation("reservations", $"{traffic.Reservations.Count} reservations acknowledged, {reader.GetInt64(1)} in the ledger");
    }

    public (long Total, long Expired, long Settled, long Released) ReservationFigures { get; private set; }

    /// <summary>Every saga settled; the customer's subscription items match its plan; one of each Stripe object; purchases granted once.</summary>
    async Task CheckSagasAndStripeAsync(CancellationToken ct)
    {
        var ids = customers.Select(c => c.CustomerId).ToList();
        await using var db = system.NewDbContext();
        var sagas = await db.Set<CustomerLifecycleState>().AsNoTracking().Where(x => ids.Contains(x.CustomerId)).ToDictionaryAsync(x => x.CustomerId, ct);
        var changes = await db.Set<PlanChangeState>().AsNoTracking().ToListAsync(ct);
        var topUps = await db.Set<TopUpState>().AsNoTracking().ToDictionaryAsync(x => x.CorrelationId, ct);
        foreach (var change in changes)
        {
            Checked_("plan change settled (final, or a downgrade waiting for the period end)");
            if (!PlanChangeSettled.Contains(change.CurrentState))
                Violation("plan change", $"{change.CustomerId}: plan change {change.CorrelationId} is {change.CurrentState} ({change.LastError})");
        }
        foreach (var operation in traffic.Operations)
        {
            Checked_("accepted plan change has a saga");
            if (changes.All(c => c.CorrelationId != operation)) Violation("plan change", $"operation {operation} was accepted but has no saga");
        }
        var grants = new Dictionary<string, (int Count, long Credits)>();
        await using (var connection = new NpgsqlConnection(system.ConnectionString))
        {
            await connection.OpenAsync(ct);
            await using var command = new NpgsqlCommand("SELECT idempotency_key, count(*)::int, sum(amount)::bigint FROM ledger_grants WHERE source = 'Purchase' GROUP BY idempotency_key", connection);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) grants[reader.GetString(0)] = (reader.GetInt32(1), reader.GetInt64(2));
        }
        foreach (var (purchaseId, customerId, savedCard) in traffic.Purchases)
        {
            Checked_("top-up final; granted once iff completed");
            var topUp = topUps.GetValueOrDefault(purchaseId);
            if (topUp is null || !TopUpFinal.Contains(topUp.CurrentState))
            {
                Violation("top-up", $"{customerId}: top-up {purchaseId} is {topUp?.CurrentState ?? "missing"} ({topUp?.LastError})");
                continue;
            }
            var grant = grants.GetValueOrDefault(PurchaseKeys.Grant(purchaseId));
            var want = topUp.CurrentState == "Completed" ? (1, SagaTraffic.PurchaseCredits) : (0, 0L);
            if (topUp.CurrentState != "Refunded" && grant != want)
                Violation("top-up", $"{customerId}: top-up {purchaseId} {topUp.CurrentState} has {grant.Count} grants of {grant.Credits} credits");
        }

        var plans = await SagaLoadChecks.PlansAsync(stripe, ct);
        var purchasesByCustomer = traffic.Purchases.ToLookup(p => p.CustomerId);
        await Parallel.ForEachAsync(customers, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct }, async (customer, token) =>
        {
            Checked_("customer saga Active, slot free or held by a scheduled downgrade");
            if (sagas.GetValueOrDefault(customer.CustomerId) is not { } saga)
            {
                Violation("customer saga", $"{customer.CustomerId}: no customer saga");
                return;
            }
            var holder = changes.FirstOrDefault(c => c.CorrelationId == saga.PlanChangeOperationId);
            if (saga.CurrentState != "Active" || (saga.PlanChangeOperationId is not null && holder?.CurrentState != "WaitingForPeriodEnd"))
                Violation("customer saga", $"{customer.CustomerId}: {saga.CurrentState}, slot held by {saga.PlanChangeOperationId} ({holder?.CurrentState})");

            Checked_("one Stripe customer and one subscription per customer");
            var found = await stripe.V1.Customers.SearchAsync(new() { Query = $"metadata['customer_id']:'{customer.CustomerId}'", Limit = 100 }, cancellationToken: token);
            if (found.Data.Count != 1) Violation("duplicate Stripe objects", $"{customer.CustomerId}: {found.Data.Count} Stripe customers");
            var subscriptions = await stripe.V1.Subscriptions.ListAsync(new() { Customer = saga.StripeCustomerId, Status = "all", Limit = 100 }, cancellationToken: token);
            if (subscriptions.Data.Count != 1) Violation("duplicate Stripe objects", $"{customer.CustomerId}: {subscriptions.Data.Count} subscriptions");

            Checked_("subscription items hold the invariant for the saga's plan");
            var subscription = await stripe.V1.Subscriptions.GetAsync(saga.SubscriptionId, cancellationToken: token);
            var items = subscription.Items.Data.Select(i => new SubscriptionItem
            {
                ItemId = i.Id, PriceId = i.Price.Id, UsageType = i.Price.Recurring?.UsageType ?? "licensed",
            }).ToList();
            if (!plans.TryGetValue(saga.PlanId, out var plan) || !SubscriptionItemsInvariant.Check(plan, items).Holds)
                Violation("invariant", $"{customer.CustomerId}: plan {saga.PlanId}, items [{string.Join(", ", items.Select(i => $"{i.PriceId} {i.UsageType}"))}]");

            var intents = await stripe.V1.PaymentIntents.ListAsync(new() { Customer = saga.StripeCustomerId, Limit = 100 }, cancellationToken: token);
            var sessions = await stripe.V1.Checkout.Sessions.ListAsync(new() { Customer = saga.StripeCustomerId, Limit = 100 }, cancellationToken: token);
            foreach (var (purchaseId, _, savedCard) in purchasesByCustomer[customer.CustomerId])
            {
                Checked_("at most one payment intent and one Checkout session per purchase");
                var id = purchaseId.ToString();
                var ofPurchase = intents.Data.Count(p => p.Metadata.GetValueOrDefault(TopUpStateMachine.PurchaseIdMetadata) == id);
                var ofSession = sessions.Data.Count(s => s.Metadata.GetValueOrDefault(TopUpStateMachine.PurchaseIdMetadata) == id);
                if (ofPurchase > 1 || ofSession > 1)
                    Violation("duplicate Stripe objects", $"{customer.CustomerId}: purchase {purchaseId} has {ofPurchase} payment intents and {ofSession} Checkout sessions");
                if (topUps.GetValueOrDefault(purchaseId)?.CurrentState == "Completed" && savedCard
                    && intents.Data.Count(p => p.Metadata.GetValueOrDefault(TopUpStateMachine.PurchaseIdMetadata) == id && p.Status == "succeeded") != 1)
                    Violation("payment", $"{customer.CustomerId}: purchase {purchaseId} Completed without one succeeded payment intent");
            }
        });
    }

    /// <summary>Stripe's meter has, per customer, the overage the ledger recorded (waits for the metering to catch up).</summary>
    async Task CheckMetersAsync(CancellationToken ct)
    {
        var meter = (await stripe.V1.Billing.Meters.ListAsync(new() { Status = "active" }, cancellationToken: ct)).Data.Single(m => m.EventName == "credits_overage");
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
        List<string> differences;
        do
        {
            differences = [];
            var overage = new Dictionary<string, long>();
            await using (var connection = new NpgsqlConnection(system.ConnectionString))
            {
                await connection.OpenAsync(ct);
                await using var command = new NpgsqlCommand("SELECT customer_id, sum(quantity)::bigint FROM ledger_entries WHERE kind = 'Overage' GROUP BY customer_id", connection);
                await using var reader = await command.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct)) overage[reader.GetString(0)] = reader.GetInt64(1);
            }
            foreach (var customer in customers)
            {
                var today = DateTime.UtcNow.Date;
                decimal metered = 0;
                await foreach (var s in stripe.V1.Billing.Meters.EventSummaries.ListAutoPagingAsync(meter.Id,
                                   new() { Customer = customer.StripeCustomerId, StartTime = today.AddDays(-40), EndTime = today.AddDays(2) }, cancellationToken: ct))
                    metered += (decimal)s.AggregatedValue;
                if (metered != overage.GetValueOrDefault(customer.CustomerId))
                    differences.Add($"{customer.CustomerId}: ledger overage {overage.GetValueOrDefault(customer.CustomerId)}, Stripe's meter {metered}");
            }
            if (differences.Count == 0) break;
            await Task.Delay(5000, ct);
        } while (DateTime.UtcNow < deadline);
        Checked_("meter total = ledger overage, per customer", customers.Count);
        foreach (var d in differences.Take(10)) Violation("meter", d);
        if (differences.Count > 10) Violation("meter", $"... {differences.Count} customers in all");
    }

    /// <summary>
    /// With --queues quorum every durable queue is a quorum queue (service queues and their _error and _skipped queues);
    /// the temporary, auto-deleted queues of each bus instance cannot be and stay classic.
    /// </summary>
    async Task CheckQueueTypesAsync(CancellationToken ct)
    {
        var queues = await QueuesAsync(system.VirtualHost, ct);
        QueueTypes = string.Join(", ", queues.GroupBy(q => (q.Type, q.Durable)).Select(g => $"{g.Count()} {g.Key.Type}{(g.Key.Durable ? "" : " (temporary)")}"));
        foreach (var queue in queues.Where(q => q.Durable && !q.Name.StartsWith("chaos-sabotage")))
        {
            Checked_("durable queue of the requested type");
            if (queue.Type != (system.QuorumQueues ? "quorum" : "classic"))
                Violation("queue type", $"{queue.Name} is {queue.Type}, {(system.QuorumQueues ? "quorum" : "classic")} was asked for");
        }
    }

    public string QueueTypes { get; private set; } = "";

    /// <summary>Every message in an error queue says why it is there (MassTransit's MT-Fault-Message or MT-Reason).</summary>
    async Task CheckErrorQueuesAsync(CancellationToken ct)
    {
        ErrorMessages = 0;
        foreach (var queue in await QueuesAsync(system.VirtualHost, ct))
        {
            if (!queue.Name.EndsWith("_error", StringComparison.Ordinal) || queue.Messages == 0) continue;
            foreach (var message in await system.VirtualHost.PeekAsync(queue.Name, 1000))
            {
                ErrorMessages++;
                Checked_("error-queue message has a reason");
                // The management API writes a message without properties as an empty array, not an object.
                var properties = message.GetProperty("properties");
                var headers = properties.ValueKind == JsonValueKind.Object && properties.TryGetProperty("headers", out var h) ? h : default;
                if (headers.ValueKind != JsonValueKind.Object || !(headers.TryGetProperty("MT-Fault-Message", out _) || headers.TryGetProperty("MT-Reason", out _)))
                    Violation("error queue", $"a message in {queue.Name} without a reason: {message.GetProperty("payload").GetString()?[..Math.Min(200, message.GetProperty("payload").GetString()!.Length)]}");
            }
        }
    }

    public int ErrorMessages { get; private set; }

    public sealed record QueueDepth(string Name, long Messages, string Type, bool Durable);

    public static async Task<List<QueueDepth>> QueuesAsync(RabbitMqVirtualHost vhost, CancellationToken ct)
    {
        using var http = RabbitMqVirtualHost.CreateManagementClient();
        var json = await http.GetStringAsync($"api/queues/{Uri.EscapeDataString(vhost.Name)}?columns=name,messages,type,durable", ct);
        return JsonDocument.Parse(json).RootElement.EnumerateArray()
            .Select(q => new QueueDepth(q.GetProperty("name").GetString()!, q.TryGetProperty("messages", out var m) && m.ValueKind == JsonValueKind.Number ? m.GetInt64() : 0,
                q.TryGetProperty("type", out var t) ? t.GetString() ?? "?" : "?", q.TryGetProperty("durable", out var d) && d.GetBoolean())).ToList();
    }
}
