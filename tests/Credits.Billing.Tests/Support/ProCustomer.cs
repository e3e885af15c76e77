using Credits.Billing.Customers;
using Credits.Ledger;
using Credits.Ledger.Commands;
using Credits.Ledger.Results;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Credits.Billing.Tests.Support;

/// <summary>A customer on the Pro plan in the ledger, linked to a Stripe customer in the emulator.</summary>
public sealed class ProCustomer
{
    ProCustomer(string id, string stripeId) => (Id, StripeCustomerId) = (id, stripeId);

    public string Id { get; }
    public string StripeCustomerId { get; }
    int _debits;

    public static async Task<ProCustomer> CreateAsync(BillingServices billing, long allowance = 10, DateTimeOffset? periodEnd = null,
        string? id = null)
    {
        id ??= "c_" + Guid.NewGuid().ToString("N")[..12];
        var stripeCustomer = await billing.Stripe.V1.Customers.CreateAsync(new() { Name = id, Metadata = new() { ["customer_id"] = id } });
        var now = DateTimeOffset.UtcNow;
        await billing.InScopeAsync(async sp =>
        {
            var result = await sp.GetRequiredService<CreditLedger>().StartPeriodAsync(new StartPeriod
            {
                CustomerId = id, IdempotencyKey = $"{id}-start", PlanId = "pro", Allowance = allowance,
                PeriodStart = periodEnd?.AddDays(-30) ?? now.AddDays(-1), PeriodEnd = periodEnd ?? now.AddDays(29),
            });
            Assert.Equal(LedgerOutcome.Applied, result.Outcome);
            await sp.GetRequiredService<StripeCustomerLinks>().LinkAsync(id, stripeCustomer.Id);
            return 0;
        });
        return new ProCustomer(id, stripeCustomer.Id);
    }

    /// <summary>The renewal: the next period opens (with the allowance) at <paramref name="start"/>.</summary>
    public Task RenewAsync(BillingServices billing, DateTimeOffset start, DateTimeOffset end, long allowance = 10) => billing.InScopeAsync(async sp =>
    {
        var result = await sp.GetRequiredService<CreditLedger>().StartPeriodAsync(new StartPeriod
        {
            CustomerId = Id, IdempotencyKey = $"{Id}-renew-{start.UtcTicks}", PlanId = "pro", Allowance = allowance,
            PeriodStart = start, PeriodEnd = end,
        });
        Assert.Equal(LedgerOutcome.Applied, result.Outcome);
        return 0;
    });

    /// <summary>Spends credits (used at <paramref name="occurredAt"/>, default now); past the allowance they become overage.</summary>
    public Task SpendAsync(BillingServices billing, long credits, DateTimeOffset? occurredAt = null) => billing.InScopeAsync(async sp =>
    {
        var result = await sp.GetRequiredService<CreditLedger>().DebitAsync(new DebitCredits
        {
            CustomerId = Id, IdempotencyKey = $"{Id}-d{Interlocked.Increment(ref _debits)}", Credits = credits, OccurredAt = occurredAt,
        });
        Assert.Equal(LedgerOutcome.Applied, result.Outcome);
        return 0;
    });
}
