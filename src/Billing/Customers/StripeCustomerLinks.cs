using Credits.Billing.Storage;
using Microsoft.EntityFrameworkCore;

namespace Credits.Billing.Customers;

/// <summary>
/// The app customer to Stripe customer (and subscription) mapping in <c>stripe_customers</c>. Whoever
/// creates the Stripe customer calls <see cref="LinkAsync"/>; metering and reconciliation read it.
/// </summary>
public sealed class StripeCustomerLinks(DbContext db, TimeProvider clock)
{
    /// <summary>Creates or updates the link (idempotent); commits with the caller's transaction when it has one.</summary>
    public async Task LinkAsync(string customerId, string stripeCustomerId, string? subscriptionId = null, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO stripe_customers (customer_id, stripe_customer_id, subscription_id, updated_at)
            VALUES ({customerId}, {stripeCustomerId}, {subscriptionId}, {now})
            ON CONFLICT (customer_id) DO UPDATE SET stripe_customer_id = excluded.stripe_customer_id,
              subscription_id = coalesce(excluded.subscription_id, stripe_customers.subscription_id), updated_at = excluded.updated_at
            """, ct);
    }

    public Task<StripeCustomerLink?> FindAsync(string customerId, CancellationToken ct = default) =>
        db.Set<StripeCustomerLink>().AsNoTracking().FirstOrDefaultAsync(x => x.CustomerId == customerId, ct);

    public async Task<Dictionary<string, StripeCustomerLink>> FindManyAsync(IReadOnlyCollection<string> customerIds, CancellationToken ct = default) =>
        await db.Set<StripeCustomerLink>().AsNoTracking().Where(x => customerIds.Contains(x.CustomerId)).ToDictionaryAsync(x => x.CustomerId, ct);
}
