using Credits.Billing.Catalog;
using Credits.Billing.StripeAdapter;
using global::Stripe;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Credits.Billing.Audit;

/// <summary>
/// Each active customer's subscription items against the plan the customer saga names
/// (<c>customer_lifecycle_saga.plan_id</c>): one flat item of that plan's price, and one metered item on a plan with
/// overage, none otherwise. Stripe's subscriptions are listed in pages of 100 with <c>status=all</c>
/// (https://docs.stripe.com/api/subscriptions/list#list_subscriptions-status), items and their prices included, rather
/// than read one by one.
/// <list type="bullet">
/// <item><c>subscription_missing</c>: the saga's subscription is not in Stripe, or Stripe ended it while the saga did not.</item>
/// <item><c>flat_item</c> / <c>metered_item</c>: the items are not the plan's.</item>
/// <item><c>plan_mismatch</c>: the ledger account is on another plan than the saga.</item>
/// </list>
/// No automatic repair: a wrong item is a plan-change problem (what to prorate, what usage to bill); an operator decides.
/// A customer with a plan change in flight, or whose saga moved within the settle time, is not judged yet.
/// </summary>
public sealed class SubscriptionItemsCheck(AuditDatabase database, StripeCalls stripe, BillingCatalog catalog,
    IOptions<MoneyAuditOptions> options) : IAuditCheck
{
    public string Name => "subscription items";

    public IReadOnlyList<string> Kinds { get; } =
        [AuditKinds.SubscriptionMissing, AuditKinds.FlatItem, AuditKinds.MeteredItem, AuditKinds.PlanMismatch];

    public async Task RunAsync(AuditRunContext run, CancellationToken ct)
    {
        var settledBefore = run.Now - options.Value.SettleTime;
        var customers = await database.Db.Database.SqlQuery<SagaCustomer>($"""
            SELECT s.customer_id AS "CustomerId", s.plan_id AS "PlanId", a.plan_id AS "LedgerPlanId", s.stripe_customer_id AS "StripeCustomerId",
                   s.subscription_id AS "SubscriptionId", s.subscription_status AS "SubscriptionStatus"
            FROM customer_lifecycle_saga s LEFT JOIN ledger_accounts a ON a.customer_id = s.customer_id
            WHERE s.current_state = 'Active' AND s.subscription_id IS NOT NULL AND s.plan_change_operation_id IS NULL
              AND s.updated_at <= {settledBefore}
            ORDER BY s.customer_id
            """).ToListAsync(ct);
        if (customers.Count == 0) return;
        var subscriptions = await SubscriptionsAsync(ct);
        foreach (var customer in customers)
        {
            if (customer.LedgerPlanId is { } ledgerPlan && ledgerPlan != customer.PlanId)
                run.Report(Finding(AuditKinds.PlanMismatch, customer, run.Now, customer.PlanId, ledgerPlan, []));
            if (catalog.Plan(customer.PlanId) is not { } plan) continue;
            var subscription = subscriptions.GetValueOrDefault(customer.SubscriptionId);
            if (subscription is null || (subscription.Status is "canceled" or "incomplete_expired" && customer.SubscriptionStatus != subscription.Status))
            {
                run.Report(Finding(AuditKinds.SubscriptionMissing, customer, run.Now, $"{customer.SubscriptionId} {customer.SubscriptionStatus ?? "active"}",
                    subscription is null ? "not found" : $"{subscription.Id} {subscription.Status}", []));
                continue;
            }
            if (subscription.Status is "canceled" or "incomplete_expired") continue; // ended, and the saga knows it
            CheckItems(run, customer, plan, subscription);
        }
    }

    void CheckItems(AuditRunContext run, SagaCustomer customer, PlanPrice plan, Subscription subscription)
    {
        var items = subscription.Items?.Data ?? [];
        var flat = items.Where(i => i.Price?.Recurring?.UsageType != "metered").ToList();
        var metered = items.Where(i => i.Price?.Recurring?.UsageType == "metered").ToList();
        var expectedMetered = plan.OverageAllowed ? new List<string> { plan.OverageLookupKey } : [];
        // A subscription keeps the price it was made with when the catalog raises PriceVersion: any version of the plan's is its.
        if (flat.Count != 1 || !IsPlanPrice(flat[0], v => LookupKeys.Flat(plan.Id, v), plan))
            run.Report(Finding(AuditKinds.FlatItem, customer, run.Now, plan.FlatLookupKey, Keys(flat), [subscription.Id, .. flat.Select(i => i.Id)]));
        if (metered.Count != expectedMetered.Count || (metered.Count == 1 && !IsPlanPrice(metered[0], v => LookupKeys.Overage(plan.Id, v), plan)))
            run.Report(Finding(AuditKinds.MeteredItem, customer, run.Now, string.Join(',', expectedMetered), Keys(metered),
                [subscription.Id, .. metered.Select(i => i.Id)]));
    }

    static bool IsPlanPrice(SubscriptionItem item, Func<int, string> key, PlanPrice plan) =>
        item.Price?.LookupKey is { } lookupKey && Enumerable.Range(1, plan.PriceVersion).Any(v => key(v) == lookupKey);

    static string Keys(List<SubscriptionItem> items) => string.Join(',', items.Select(i => i.Price?.LookupKey ?? i.Price?.Id ?? "?"));

    async Task<Dictionary<string, Subscription>> SubscriptionsAsync(CancellationToken ct)
    {
        var listed = await stripe.ReadAllAsync("list subscriptions",
            (c, o, t) => c.V1.Subscriptions.ListAutoPagingAsync(new() { Status = "all", Limit = 100 }, o, t), ct);
        return listed.GetValueOrThrow().DistinctBy(s => s.Id).ToDictionary(s => s.Id);
    }

    static AuditFinding Finding(string kind, SagaCustomer customer, DateTimeOffset now, string expected, string actual, IReadOnlyList<string> stripeIds) => new()
    {
        Kind = kind, Subject = $"{customer.CustomerId}:{customer.SubscriptionId}", CustomerId = customer.CustomerId,
        StripeCustomerId = customer.StripeCustomerId, Expected = expected, Actual = actual,
        // Items are a state, not an event: the difference dates from when the audit saw it.
        OccurredAt = now,
        Evidence = new AuditEvidence
        {
            StripeIds = stripeIds.Count > 0 ? stripeIds : [customer.SubscriptionId],
            Figures = new Dictionary<string, string> { ["saga_plan"] = customer.PlanId, ["ledger_plan"] = customer.LedgerPlanId ?? "" },
        },
    };

    sealed class SagaCustomer
    {
        public string CustomerId { get; set; } = "";
        public string PlanId { get; set; } = "";
        public string? LedgerPlanId { get; set; }
        public string? StripeCustomerId { get; set; }
        public string SubscriptionId { get; set; } = "";
        public string? SubscriptionStatus { get; set; }
    }
}
