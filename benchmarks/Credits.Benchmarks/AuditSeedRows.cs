using System.Globalization;
using Credits.Persistence;
using Credits.Sagas;
using Credits.Sagas.StateMachines;

namespace Credits.Benchmarks;

/// <summary>The saga rows, keys and metadata Credits' own steps leave behind, for seeding the audit benchmark directly.</summary>
static class SeedRows
{
    public static string AllowanceKey(string customerId, DateTimeOffset periodStart) =>
        $"allowance:{customerId}:{periodStart.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)}";

    public static string PurchaseGrantKey(Guid purchaseId) => TopUpStateMachine.GrantKey(purchaseId);

    public static Dictionary<string, string> PurchaseMetadata(Guid purchaseId, string customerId) => new()
    {
        [TopUpStateMachine.PurchaseIdMetadata] = purchaseId.ToString(),
        ["customer_id"] = customerId,
    };

    public static async Task LifecycleAsync(CreditsDbContext db, string customerId, string stripeCustomerId, string subscriptionId, string planId,
        DateTimeOffset periodStart, DateTimeOffset periodEnd, CancellationToken ct)
    {
        var now = DateTimeOffset.UtcNow;
        db.Add(new CustomerLifecycleState
        {
            CorrelationId = SagaKeys.ForCustomer(customerId), CurrentState = "Active", CustomerId = customerId, PlanId = planId,
            StripeCustomerId = stripeCustomerId, SubscriptionId = subscriptionId, SubscriptionStatus = "active", PeriodStart = periodStart,
            PeriodEnd = periodEnd, AllowancePeriodStart = periodStart, CreatedAt = now, UpdatedAt = now,
        });
        await db.SaveChangesAsync(ct);
    }

    public static async Task TopUpAsync(CreditsDbContext db, Guid purchaseId, string customerId, string stripeCustomerId, long credits, long amount,
        string currency, string paymentIntentId, CancellationToken ct)
    {
        var now = DateTimeOffset.UtcNow;
        db.Add(new TopUpState
        {
            CorrelationId = purchaseId, CurrentState = "Completed", CustomerId = customerId, StripeCustomerId = stripeCustomerId, Credits = credits,
            Amount = amount, Currency = currency, UseSavedCard = true, PaymentIntentId = paymentIntentId, CreatedAt = now, UpdatedAt = now,
        });
        await db.SaveChangesAsync(ct);
    }
}
