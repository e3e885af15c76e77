using Credits.Contracts.Customers;
using Credits.Contracts.PlanChanges;
using Credits.Contracts.TopUps;
using Credits.Persistence;
using Credits.Sagas;
using Credits.Sagas.StateMachines;
using Credits.Testing;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Stripe;
using Xunit;

namespace Credits.IntegrationTests.Sagas;

/// <summary>
/// Drives the sagas the way an app does (commands on RabbitMQ) and reads the outcome where it lives: the saga
/// rows and the ledger in PostgreSQL, the subscription in the emulator through Stripe.net.
/// </summary>
public sealed class SagaFlows(SystemUnderTest system, IPublishEndpoint bus)
{
    public static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(60);

    public StripeClient Stripe { get; } = system.Stripe.CreateClient("sk_test_emulator");

    public static string NewCustomerId(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    /// <summary>Registers a customer and waits until the saga is Active (Stripe customer, subscription, first period).</summary>
    public async Task<CustomerLifecycleState> RegisterAsync(string customerId, string planId = "hobby")
    {
        await bus.Publish(new RegisterCustomer { CustomerId = customerId, Email = $"{customerId}@example.com", Name = customerId, PlanId = planId });
        return await CustomerInStateAsync(customerId, "Active");
    }

    public Task<CustomerLifecycleState> CustomerInStateAsync(string customerId, string state) =>
        WithHostOutput(async () => (await Eventually.Get(() => CustomerAsync(customerId), c => c?.CurrentState == state, StepTimeout,
            $"customer {customerId} reaches {state}"))!);

    /// <summary>A step that never ends says why: the Orchestrator's recent log goes into the failure.</summary>
    async Task<T> WithHostOutput<T>(Func<Task<T>> wait)
    {
        try
        {
            return await wait();
        }
        catch (TimeoutException timeout)
        {
            // Warnings and errors only, each cut short: the stack traces would push the reasons out.
            var lines = system.Orchestrator.Output.Split('\n')
                .Where(l => l.Contains("\"LogLevel\":\"Warning\"") || l.Contains("\"LogLevel\":\"Error\"") || l.Contains("\"LogLevel\":\"Critical\""))
                .Select(l => l.Length > 700 ? l[..700] + "..." : l).TakeLast(12);
            throw new TimeoutException($"{timeout.Message}\n--- Orchestrator warnings and errors (last 12) ---\n{string.Join("\n", lines)}", timeout);
        }
    }

    public async Task<CustomerLifecycleState?> CustomerAsync(string customerId)
    {
        await using var db = system.Accounts.NewDbContext();
        var id = SagaKeys.ForCustomer(customerId);
        return await db.Set<CustomerLifecycleState>().AsNoTracking().SingleOrDefaultAsync(x => x.CorrelationId == id);
    }

    public async Task<PlanChangeState?> PlanChangeAsync(Guid operationId)
    {
        await using var db = system.Accounts.NewDbContext();
        return await db.Set<PlanChangeState>().AsNoTracking().SingleOrDefaultAsync(x => x.CorrelationId == operationId);
    }

    public Task<PlanChangeState> PlanChangeEndsAsync(Guid operationId, params string[] finalStates) =>
        WithHostOutput(async () => (await Eventually.Get(() => PlanChangeAsync(operationId), p => p is not null && finalStates.Contains(p.CurrentState), StepTimeout,
            $"plan change {operationId} ends in {string.Join(" or ", finalStates)}"))!);

    public async Task<TopUpState?> TopUpAsync(Guid purchaseId)
    {
        await using var db = system.Accounts.NewDbContext();
        return await db.Set<TopUpState>().AsNoTracking().SingleOrDefaultAsync(x => x.CorrelationId == purchaseId);
    }

    public Task<TopUpState> TopUpInStateAsync(Guid purchaseId, params string[] states) =>
        WithHostOutput(async () => (await Eventually.Get(() => TopUpAsync(purchaseId), p => p is not null && states.Contains(p.CurrentState), StepTimeout,
            $"purchase {purchaseId} reaches {string.Join(" or ", states)}"))!);

    public async Task<Guid> ChangePlanAsync(string customerId, string newPlanId)
    {
        var operationId = NewId.NextGuid();
        await bus.Publish(new ChangePlan { OperationId = operationId, CustomerId = customerId, NewPlanId = newPlanId });
        return operationId;
    }

    public async Task<Guid> PurchaseAsync(CustomerLifecycleState customer, long credits, long amount, bool savedCard)
    {
        var purchaseId = NewId.NextGuid();
        await bus.Publish(new PurchaseCredits
        {
            PurchaseId = purchaseId, CustomerId = customer.CustomerId, StripeCustomerId = customer.StripeCustomerId!,
            Credits = credits, Amount = amount, Currency = "usd", UseSavedCard = savedCard,
        });
        return purchaseId;
    }

    /// <summary>
    /// A Hobby customer (200 credits) with a saved card who bought 500 credits for $10.00 with it: the purchase
    /// completed and 700 credits available. Where refund, dispute and audit tests start.
    /// </summary>
    public async Task<(string CustomerId, TopUpState Completed)> PaidSavedCardPurchaseAsync(string prefix)
    {
        var id = NewCustomerId(prefix);
        var customer = await RegisterAsync(id);
        await SaveCardAsync(customer.StripeCustomerId!);
        await Eventually.Get(() => system.Accounts.AvailableOrNullAsync(id), a => a == 200);
        var purchase = await PurchaseAsync(customer, credits: 500, amount: 1000, savedCard: true);
        var completed = await TopUpInStateAsync(purchase, "Completed", "Cancelled");
        Assert.Equal("Completed", completed.CurrentState);
        Assert.Equal((long?)700, await Eventually.Get(() => system.Accounts.AvailableOrNullAsync(id), a => a == 700));
        return (id, completed);
    }

    public Task SaveCardAsync(string stripeCustomerId, string testCard = "pm_card_visa") =>
        StripeState.SaveCardAsync(Stripe, stripeCustomerId, testCard);

    public Task<Subscription> SubscriptionAsync(string subscriptionId) => Stripe.V1.Subscriptions.GetAsync(subscriptionId);

    public Task AssertItemsMatchPlanAsync(CustomerLifecycleState customer, string planId) =>
        StripeState.AssertItemsMatchPlanAsync(Stripe, customer.SubscriptionId!, planId);

    public Task FireScheduledNowAsync(Guid tokenId) => system.FireScheduledNowAsync(tokenId);
}
