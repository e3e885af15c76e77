using System.Collections.Concurrent;
using Credits.Contracts.PlanChanges;
using Credits.Sagas;
using Credits.Sagas.Invariant;
using Credits.Sagas.StateMachines;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Stripe;
using SubscriptionItem = Credits.Contracts.Customers.SubscriptionItem;

namespace Credits.Benchmarks;

/// <summary>
/// What must hold after the saga load run, checked where it lives: the saga rows and the ledger in PostgreSQL,
/// Stripe's objects in the emulator (read with Stripe.net). A violation names the customer, the saga, its state
/// and what Stripe shows. Outcomes that are allowed but not the expected one (a good card's upgrade that failed
/// because Stripe kept failing past the retries) are notes, not violations.
/// </summary>
public sealed class SagaLoadChecks(SagaLoadSystem system, StripeClient stripe)
{
    const long HobbyAllowance = 200;
    const long PurchaseCredits = SagaLoadScenario.PurchaseCredits;

    readonly ConcurrentQueue<string> _violations = new();
    readonly ConcurrentQueue<string> _notes = new();
    readonly ConcurrentDictionary<string, int> _checked = new();
    readonly ConcurrentDictionary<string, int> _subscriptionStatuses = new();

    public IReadOnlyList<string> Violations => _violations.ToList();
    public IReadOnlyList<string> Notes => _notes.ToList();
    /// <summary>How many times each check ran (so "0 violations" can be read against what was checked).</summary>
    public IReadOnlyDictionary<string, int> Checked => _checked;
    public IReadOnlyDictionary<string, int> SubscriptionStatuses => _subscriptionStatuses;

    void Violation(string check, string text) => _violations.Enqueue($"[{check}] {text}");
    void Check(string check) => _checked.AddOrUpdate(check, 1, (_, n) => n + 1);

    public async Task RunAsync(IReadOnlyList<SagaLoadCustomer> customers, CancellationToken ct)
    {
        var plans = await PlansAsync(stripe, ct);
        var ids = customers.Select(c => c.CustomerId).ToList();
        var operations = customers.Select(c => c.OperationId).ToList();
        var purchases = customers.Select(c => c.PurchaseId).ToList();
        Dictionary<string, CustomerLifecycleState> customerSagas;
        Dictionary<Guid, PlanChangeState> changes;
        Dictionary<Guid, TopUpState> topUps;
        await using (var db = system.NewDbContext())
        {
            customerSagas = await db.Set<CustomerLifecycleState>().AsNoTracking().Where(x => ids.Contains(x.CustomerId)).ToDictionaryAsync(x => x.CustomerId, ct);
            changes = await db.Set<PlanChangeState>().AsNoTracking().Where(x => operations.Contains(x.CorrelationId)).ToDictionaryAsync(x => x.CorrelationId, ct);
            topUps = await db.Set<TopUpState>().AsNoTracking().Where(x => purchases.Contains(x.CorrelationId)).ToDictionaryAsync(x => x.CorrelationId, ct);
        }
        var ledger = await LedgerAsync(ids, ct);

        await Parallel.ForEachAsync(customers, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct }, async (customer, token) =>
        {
            var change = changes.GetValueOrDefault(customer.OperationId);
            var topUp = topUps.GetValueOrDefault(customer.PurchaseId);
            var saga = customerSagas.GetValueOrDefault(customer.CustomerId);
            CheckSagas(customer, change, topUp, saga);
            if (saga is not null) await CheckStripeAsync(customer, change, topUp, saga, plans, token);
            CheckLedger(customer, change, topUp, ledger.GetValueOrDefault(customer.CustomerId));
        });
    }

    void CheckSagas(SagaLoadCustomer customer, PlanChangeState? change, TopUpState? topUp, CustomerLifecycleState? saga)
    {
        var who = $"customer {customer.CustomerId} ({customer.TestCard}, {customer.PurchaseKind})";
        Check("plan change in a final state");
        if (change is null || !SagaLoadScenario.PlanChangeFinalStates.Contains(change.CurrentState))
            Violation("final state", $"{who}: plan change {customer.OperationId} is {change?.CurrentState ?? "missing"}; steps:\n{change?.Steps}");
        Check("top-up in a final state");
        if (topUp is null || !SagaLoadScenario.TopUpFinalStates.Contains(topUp.CurrentState))
            Violation("final state", $"{who}: top-up {customer.PurchaseId} is {topUp?.CurrentState ?? "missing"} (session {topUp?.CheckoutSessionId}, last error {topUp?.LastError})");

        // A declined card must never end in a paid-for state.
        Check("declined card never completes");
        if (customer.Declined && change?.CurrentState == "Completed")
            Violation("declined card", $"{who}: upgrade {customer.OperationId} Completed on a declined card; steps:\n{change.Steps}");
        if (customer.Declined && customer.SavedCard && topUp?.CurrentState == "Completed")
            Violation("declined card", $"{who}: saved-card top-up {customer.PurchaseId} Completed on a declined card");
        if (!customer.Declined && change is not null && change.CurrentState != "Completed")
            _notes.Enqueue($"{who}: plan change {customer.OperationId} ended {change.CurrentState}: {change.LastError}");
        if (customer.Declined && change is { CurrentState: not "Failed" and not "Completed" })
            _notes.Enqueue($"{who}: declined upgrade {customer.OperationId} ended {change.CurrentState}: {change.LastError}");
        if ((!customer.Declined || !customer.SavedCard) && topUp is not null && topUp.CurrentState != "Completed")
            _notes.Enqueue($"{who}: top-up {customer.PurchaseId} ended {topUp.CurrentState}: {topUp.LastError}");

        Check("customer saga agrees with the plan change");
        if (saga is null)
        {
            Violation("customer saga", $"{who}: no customer saga");
            return;
        }
        var expectedPlan = change?.CurrentState == "Completed" ? "pro" : "hobby";
        if (saga.PlanChangeOperationId is not null || saga.PlanId != expectedPlan)
            Violation("customer saga", $"{who}: customer saga {saga.CurrentState} on plan {saga.PlanId}, slot {saga.PlanChangeOperationId?.ToString() ?? "free"}; " +
                $"the plan change {customer.OperationId} ended {change?.CurrentState}, so {expectedPlan} was expected");
    }

    async Task CheckStripeAsync(SagaLoadCustomer customer, PlanChangeState? change, TopUpState? topUp, CustomerLifecycleState saga,
        IReadOnlyDictionary<string, PlanTerms> plans, CancellationToken ct)
    {
        var who = $"customer {customer.CustomerId} ({customer.TestCard}, {customer.PurchaseKind})";

        Check("one Stripe customer per customer");
        var found = await stripe.V1.Customers.SearchAsync(new() { Query = $"metadata['customer_id']:'{customer.CustomerId}'", Limit = 100 }, cancellationToken: ct);
        if (found.Data.Count != 1)
            Violation("duplicate Stripe objects", $"{who}: {found.Data.Count} Stripe customers ({string.Join(", ", found.Data.Select(c => c.Id))})");

        Check("one subscription per customer");
        var subscriptions = await stripe.V1.Subscriptions.ListAsync(new() { Customer = saga.StripeCustomerId, Status = "all", Limit = 100 }, cancellationToken: ct);
        if (subscriptions.Data.Count != 1)
            Violation("duplicate Stripe objects", $"{who}: {subscriptions.Data.Count} subscriptions ({string.Join(", ", subscriptions.Data.Select(s => s.Id))})");

        Check("subscription items satisfy the invariant for the customer saga's plan");
        var subscription = await stripe.V1.Subscriptions.GetAsync(saga.SubscriptionId, cancellationToken: ct);
        _subscriptionStatuses.AddOrUpdate(subscription.Status, 1, (_, n) => n + 1);
        var items = subscription.Items.Data.Select(i => new SubscriptionItem
        {
            ItemId = i.Id, PriceId = i.Price.Id, UsageType = i.Price.Recurring?.UsageType ?? "licensed",
        }).ToList();
        if (!plans.TryGetValue(saga.PlanId, out var plan))
            Violation("invariant", $"{who}: customer saga on unknown plan {saga.PlanId}");
        else if (!SubscriptionItemsInvariant.Check(plan, items).Holds)
            Violation("invariant", $"{who}: subscription {subscription.Id} ({subscription.Status}) has items " +
                $"[{string.Join(", ", items.Select(i => $"{i.PriceId} {i.UsageType}"))}], plan {saga.PlanId} wants flat {plan.FlatPriceId}" +
                $"{(plan.MeteredPriceId is null ? " and no metered item" : $" and metered {plan.MeteredPriceId}")}; plan change {change?.CurrentState}");

        Check("at most one proration invoice, paid iff the upgrade completed");
        var invoices = await stripe.V1.Invoices.ListAsync(new() { Subscription = saga.SubscriptionId, Limit = 100 }, cancellationToken: ct);
        var prorations = invoices.Data.Where(i => i.BillingReason == "subscription_update").ToList();
        var described = string.Join(", ", prorations.Select(i => $"{i.Id} {i.Status} {i.AmountPaid}/{i.AmountDue}"));
        if (prorations.Count > 1)
            Violation("duplicate Stripe objects", $"{who}: {prorations.Count} subscription_update invoices: {described}");
        if (change?.CurrentState == "Completed" && prorations.Count(i => i.Status == "paid") != 1)
            Violation("payment", $"{who}: upgrade {customer.OperationId} Completed but the proration invoices are [{described}]");
        if (change?.CurrentState is "Failed" && prorations.Any(i => i.Status != "void"))
            Violation("payment", $"{who}: upgrade {customer.OperationId} Failed but the proration invoices are [{described}] (not void)");

        Check("one payment intent per saved-card purchase");
        var intents = await stripe.V1.PaymentIntents.ListAsync(new() { Customer = saga.StripeCustomerId, Limit = 100 }, cancellationToken: ct);
        var ofPurchase = intents.Data
            .Where(p => p.Metadata.GetValueOrDefault(TopUpStateMachine.PurchaseIdMetadata) == customer.PurchaseId.ToString()).ToList();
        var intentsDescribed = string.Join(", ", ofPurchase.Select(p => $"{p.Id} {p.Status}"));
        if (ofPurchase.Count > 1 || (customer.SavedCard && topUp?.CurrentState == "Completed" && ofPurchase.Count != 1))
            Violation("duplicate Stripe objects", $"{who}: top-up {customer.PurchaseId} {topUp?.CurrentState} has {ofPurchase.Count} payment intents [{intentsDescribed}]");
        if (topUp?.CurrentState == "Completed" && ofPurchase.Count(p => p.Status == "succeeded" && p.Amount == SagaLoadScenario.PurchaseAmount) != 1)
            Violation("payment", $"{who}: top-up {customer.PurchaseId} Completed but its payment intents are [{intentsDescribed}]");

        if (!customer.SavedCard)
        {
            Check("one checkout session per checkout purchase");
            var sessions = await stripe.V1.Checkout.Sessions.ListAsync(new() { Customer = saga.StripeCustomerId, Limit = 100 }, cancellationToken: ct);
            var ofSession = sessions.Data.Where(s => s.Metadata.GetValueOrDefault(TopUpStateMachine.PurchaseIdMetadata) == customer.PurchaseId.ToString()).ToList();
            if (ofSession.Count != 1)
                Violation("duplicate Stripe objects", $"{who}: top-up {customer.PurchaseId} has {ofSession.Count} checkout sessions " +
                    $"[{string.Join(", ", ofSession.Select(s => $"{s.Id} {s.Status}"))}]");
        }
    }

    void CheckLedger(SagaLoadCustomer customer, PlanChangeState? change, TopUpState? topUp, LedgerFigures? books)
    {
        var who = $"customer {customer.CustomerId} ({customer.TestCard}, {customer.PurchaseKind})";
        if (books is null)
        {
            Violation("ledger", $"{who}: no ledger account");
            return;
        }
        Check("books balance (balance = sum of entries)");
        if (books.Balance != books.SumOfEntries)
            Violation("books", $"{who}: balance column {books.Balance}, sum of entries {books.SumOfEntries}");

        Check("one grant per completed purchase");
        var completed = topUp?.CurrentState == "Completed" ? 1 : 0;
        if (books.PurchaseGrants != completed || books.PurchaseGrantedCredits != completed * PurchaseCredits)
            Violation("grants", $"{who}: top-up {customer.PurchaseId} {topUp?.CurrentState}: {books.PurchaseGrants} purchase grants of {books.PurchaseGrantedCredits} credits");

        Check("credits = Hobby allowance + upgrade grant + completed purchase");
        var expected = HobbyAllowance + (change?.CurrentState == "Completed" ? change.CreditsGranted : 0) + completed * PurchaseCredits;
        if (books.Balance != expected)
            Violation("credits", $"{who}: balance {books.Balance}, expected {expected} (plan change {change?.CurrentState} granted {change?.CreditsGranted}, top-up {topUp?.CurrentState})");
    }

    /// <summary>Hobby's and Pro's Stripe prices, by lookup key, as the subscription-item invariant wants them (the saga and chaos checks).</summary>
    internal static async Task<IReadOnlyDictionary<string, PlanTerms>> PlansAsync(StripeClient stripe, CancellationToken ct)
    {
        string[] keys = ["credits:hobby:flat", "credits:hobby:overage", "credits:pro:flat", "credits:pro:overage"];
        var prices = await stripe.V1.Prices.ListAsync(new() { LookupKeys = [.. keys], Limit = 100 }, cancellationToken: ct);
        PlanTerms Terms(string planId) => new()
        {
            PlanId = planId,
            FlatPriceId = prices.Data.Single(p => p.LookupKey == $"credits:{planId}:flat").Id,
            MeteredPriceId = prices.Data.SingleOrDefault(p => p.LookupKey == $"credits:{planId}:overage")?.Id,
        };
        return new Dictionary<string, PlanTerms> { ["hobby"] = Terms("hobby"), ["pro"] = Terms("pro") };
    }

    sealed record LedgerFigures(long Balance, long SumOfEntries, int PurchaseGrants, long PurchaseGrantedCredits);

    async Task<Dictionary<string, LedgerFigures>> LedgerAsync(IReadOnlyList<string> customerIds, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(system.ConnectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand("""
            SELECT a.customer_id, a.balance,
                   (SELECT coalesce(sum(e.amount), 0)::bigint FROM ledger_entries e WHERE e.customer_id = a.customer_id),
                   (SELECT count(*)::int FROM ledger_grants g WHERE g.customer_id = a.customer_id AND g.source = 'Purchase'),
                   (SELECT coalesce(sum(g.amount), 0)::bigint FROM ledger_grants g WHERE g.customer_id = a.customer_id AND g.source = 'Purchase')
            FROM ledger_accounts a WHERE a.customer_id = ANY(@ids)
            """, connection);
        command.Parameters.AddWithValue("ids", customerIds.ToArray());
        var result = new Dictionary<string, LedgerFigures>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            result[reader.GetString(0)] = new LedgerFigures(reader.GetInt64(1), reader.GetInt64(2), reader.GetInt32(3), reader.GetInt64(4));
        return result;
    }
}
