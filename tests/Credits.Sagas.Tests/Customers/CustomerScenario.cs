using Credits.Contracts.Customers;

namespace Credits.Sagas.Tests.Customers;

/// <summary>Drives a customer's registration through the consumers' answers.</summary>
internal static class CustomerScenario
{
    public static readonly DateTimeOffset PeriodStart = DateTimeOffset.UtcNow.AddDays(-1);
    public static readonly DateTimeOffset PeriodEnd = PeriodStart.AddMonths(1);

    public static async Task<Guid> Register(SagaHarness h, string customerId, string? planId = null, IReadOnlyList<SubscriptionItem>? items = null)
    {
        var id = SagaKeys.ForCustomer(customerId);
        await h.Bus.Bus.Publish(new RegisterCustomer { CustomerId = customerId, Email = $"{customerId}@example.com", PlanId = planId });
        await h.PublishedOne<CreateStripeCustomer>(m => m.CorrelationId == id);
        await h.Bus.Bus.Publish(new StripeCustomerCreated { CorrelationId = id, StripeCustomerId = $"cus_{customerId}" });
        await h.PublishedOne<CreateSubscription>(m => m.CorrelationId == id);
        await h.Bus.Bus.Publish(new SubscriptionCreated
        {
            CorrelationId = id, SubscriptionId = $"sub_{customerId}", Status = "active",
            Items = items ?? [Plans.HobbyFlat], PeriodStart = PeriodStart, PeriodEnd = PeriodEnd,
        });
        Assert.NotNull(await h.Customers.Exists(id, h.CustomerMachine.Active));
        return id;
    }
}
