using Credits.StripeEmulator.Tests.Support;
using Stripe;

namespace Credits.StripeEmulator.Tests.Fidelity;

public abstract partial class StripeFidelity
{
    [StripeFact]
    public async Task Lists_filter_on_a_created_range_as_the_money_audit_reads_them()
    {
        // The money audit lists a window's PaymentIntents, invoices, refunds and disputes by created[gte]/[lt]
        // (https://docs.stripe.com/api/payment_intents/list#list_payment_intents-created).
        var customer = await CustomerWithCardAsync();
        var intent = await ChargeOffSessionAsync(customer);
        var created = new DateTimeOffset(intent.Created, TimeSpan.Zero);

        async Task<List<string>> ListAsync(DateRangeOptions range)
        {
            var ids = new List<string>();
            await foreach (var pi in Client.V1.PaymentIntents.ListAutoPagingAsync(new PaymentIntentListOptions { Customer = customer.Id, Created = range }))
                ids.Add(pi.Id);
            return ids;
        }

        Assert.Contains(intent.Id, await ListAsync(new DateRangeOptions { GreaterThanOrEqual = created.UtcDateTime, LessThan = created.AddSeconds(1).UtcDateTime }));
        Assert.DoesNotContain(intent.Id, await ListAsync(new DateRangeOptions { LessThan = created.UtcDateTime }));
        Assert.DoesNotContain(intent.Id, await ListAsync(new DateRangeOptions { GreaterThan = created.UtcDateTime }));
        var refund = await Client.V1.Refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = intent.Id, Amount = 100 });
        var refunds = new List<string>();
        await foreach (var r in Client.V1.Refunds.ListAutoPagingAsync(new RefundListOptions
                       { PaymentIntent = intent.Id, Created = new DateRangeOptions { GreaterThanOrEqual = created.UtcDateTime } }))
            refunds.Add(r.Id);
        Assert.Equal([refund.Id], refunds);
    }
}
