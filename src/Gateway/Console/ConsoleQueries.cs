using Credits.Billing.Storage;
using Credits.Gateway.Portal;
using Credits.Persistence;
using Credits.Sagas.StateMachines;
using Microsoft.EntityFrameworkCore;

namespace Credits.Gateway.Console;

/// <summary>What operators look at: customers and sagas that are running or failed (the money audit's differences: AuditQueries).</summary>
public sealed class ConsoleQueries(CreditsDbContext db)
{
    /// <summary>Customers whose id starts with <paramref name="search"/> (all when empty), most recently changed first.</summary>
    public Task<List<ConsoleCustomer>> CustomersAsync(string? search, int limit, CancellationToken ct)
    {
        var prefix = (search ?? "").Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_") + "%";
        // Available as the ledger computes it: unexpired, effective grants minus holds, never below 0.
        return db.Database.SqlQuery<ConsoleCustomer>($"""
            SELECT coalesce(a.customer_id, s.customer_id) AS "CustomerId", s.name AS "Name", s.email AS "Email",
                   coalesce(a.plan_id, s.plan_id) AS "PlanId",
                   CASE WHEN a.customer_id IS NULL THEN NULL ELSE greatest(0, coalesce((
                       SELECT sum(g.remaining) FROM ledger_grants g
                       WHERE g.customer_id = a.customer_id AND g.is_open AND g.effective_at <= now()
                         AND (g.expires_at IS NULL OR g.expires_at > now())), 0) - a.held)::bigint END AS "Available",
                   a.held AS "Held", a.overage_this_period AS "OverageThisPeriod", a.period_end AS "PeriodEnd",
                   s.current_state AS "LifecycleState", s.subscription_status AS "SubscriptionStatus",
                   s.stripe_customer_id AS "StripeCustomerId", s.plan_change_operation_id AS "PlanChangeInFlight",
                   greatest(a.updated_at, s.updated_at) AS "UpdatedAt"
            FROM ledger_accounts a
            FULL OUTER JOIN customer_lifecycle_saga s ON s.customer_id = a.customer_id
            WHERE coalesce(a.customer_id, s.customer_id) LIKE {prefix}
            ORDER BY greatest(a.updated_at, s.updated_at) DESC NULLS LAST
            LIMIT {limit}
            """).ToListAsync(ct);
    }

    /// <summary>Plan changes, purchases and registrations that are in flight or failed, most recently changed first.</summary>
    public async Task<List<ConsoleSaga>> SagasAsync(int limit, CancellationToken ct)
    {
        var changes = await db.Set<PlanChangeState>().AsNoTracking().Where(p => p.CurrentState != "Completed")
            .OrderByDescending(p => p.UpdatedAt).Take(limit).ToListAsync(ct);
        var purchases = await db.Set<TopUpState>().AsNoTracking().Where(t => t.CurrentState != "Completed" && t.CurrentState != "Refunded")
            .OrderByDescending(t => t.UpdatedAt).Take(limit).ToListAsync(ct);
        var registrations = await db.Set<CustomerLifecycleState>().AsNoTracking().Where(c => c.CurrentState != "Active")
            .OrderByDescending(c => c.UpdatedAt).Take(limit).ToListAsync(ct);

        return changes.Select(p => Saga("plan change", p.CustomerId, PortalQueries.Operation(p)))
            .Concat(purchases.Select(t => Saga("top-up", t.CustomerId, PortalQueries.Operation(t))))
            .Concat(registrations.Select(Saga))
            .OrderByDescending(s => s.UpdatedAt).Take(limit).ToList();
    }

    /// <summary>
    /// A plan change or purchase as a console row. In the list of sagas needing a look the status is "failed" or
    /// "in-flight"; on a customer's own page (<paramref name="own"/>) it is the operation's status (completed too).
    /// </summary>
    internal static ConsoleSaga Saga(string saga, string customerId, PortalOperation o, bool own = false) => new(saga, o.Id, customerId, o.State,
        own ? o.Status : o.Status is "failed" ? "failed" : "in-flight", o.Description, o.Steps, o.Error, o.CreatedAt, o.UpdatedAt);

    internal static ConsoleSaga Saga(CustomerLifecycleState c) => new("customer lifecycle", c.CorrelationId, c.CustomerId, c.CurrentState,
        c.CurrentState switch { "RegistrationFailed" => "failed", "Active" => "active", _ => "in-flight" },
        $"Registration on {c.PlanId}", [], c.LastError, c.CreatedAt, c.UpdatedAt);

}
