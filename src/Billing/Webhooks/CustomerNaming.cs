using Credits.Contracts.Billing;
using Microsoft.EntityFrameworkCore;

namespace Credits.Billing.Webhooks;

/// <summary>
/// Makes every subscription and invoice event name the app's customer, so the customer saga finds its instance by id.
/// The id comes from the subscription's metadata (<c>customer_id</c>, which Credits sets on every subscription it
/// creates, and Stripe copies to the subscription's invoices). An event without it (the metadata removed or edited in
/// the Dashboard, a subscription made outside Credits) gets the customer Credits linked to its Stripe customer
/// (<c>stripe_customers</c>); a Stripe customer Credits never linked names no customer, and the saga drops the event.
/// The lookup is made only for such events, so the usual webhook costs no round trip more.
/// </summary>
static class CustomerNaming
{
    public static async Task<object?> NameCustomerAsync(DbContext db, object? message, CancellationToken ct) => message switch
    {
        StripeSubscriptionUpdated { CustomerId: null } m => m with { CustomerId = await LinkedToAsync(db, m.StripeCustomerId, ct) },
        StripeInvoicePaid { CustomerId: null } m => m with { CustomerId = await LinkedToAsync(db, m.StripeCustomerId, ct) },
        StripeInvoiceCreated { CustomerId: null } m => m with { CustomerId = await LinkedToAsync(db, m.StripeCustomerId, ct) },
        StripeInvoicePaymentFailed { CustomerId: null } m => m with { CustomerId = await LinkedToAsync(db, m.StripeCustomerId, ct) },
        _ => message,
    };

    static async Task<string?> LinkedToAsync(DbContext db, string stripeCustomerId, CancellationToken ct) =>
        string.IsNullOrEmpty(stripeCustomerId)
            ? null
            : await db.Database.SqlQuery<string>($"SELECT customer_id AS \"Value\" FROM stripe_customers WHERE stripe_customer_id = {stripeCustomerId}")
                .FirstOrDefaultAsync(ct);
}
