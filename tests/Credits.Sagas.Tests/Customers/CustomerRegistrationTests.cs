using Credits.Contracts.Billing;
using Credits.Contracts.Customers;
using static Credits.Sagas.Tests.Customers.CustomerScenario;

namespace Credits.Sagas.Tests.Customers;

public class When_a_customer_registers_on_the_free_plan
{
    [Fact]
    public async Task Should_create_the_stripe_customer_then_the_subscription_and_grant_the_allowance_at_once()
    {
        await using var h = await SagaHarness.Start();
        var id = await Register(h, "free-1");

        var create = await h.PublishedOne<CreateStripeCustomer>(m => m.CorrelationId == id);
        Assert.Equal($"credits:customer:{id:N}:create-customer", create.IdempotencyKey);
        var subscription = await h.PublishedOne<CreateSubscription>(m => m.CorrelationId == id);
        Assert.Equal(("cus_free-1", "price_hobby", null), (subscription.StripeCustomerId, subscription.FlatPriceId, subscription.MeteredPriceId));
        var registered = await h.PublishedOne<CustomerRegistered>(m => m.CustomerId == "free-1");
        Assert.Equal(("hobby", "sub_free-1"), (registered.PlanId, registered.SubscriptionId));
        var allowance = await h.PublishedOne<StartAllowancePeriod>(m => m.CustomerId == "free-1");
        Assert.Equal(("hobby", PeriodStart, PeriodEnd), (allowance.PlanId, allowance.PeriodStart, allowance.PeriodEnd));
    }
}

public class When_a_customer_registers_on_a_paid_plan
{
    [Fact]
    public async Task Should_grant_the_allowance_only_when_the_first_invoice_is_paid()
    {
        // A paid plan is subscribed directly only when the catalog's default plan is paid too (else: free plan, then upgrade).
        await using var h = await SagaHarness.Start(defaultPlanId: "pro");
        await Register(h, "paid-1", "pro", [Plans.ProFlat, Plans.ProMetered]);
        Assert.Equal(0, await h.PublishedCount<StartAllowancePeriod>(m => m.CustomerId == "paid-1"));

        await h.Bus.Bus.Publish(new StripeInvoicePaid
        {
            InvoiceId = "in_first", SubscriptionId = "sub_paid-1", CustomerId = "paid-1", BillingReason = "subscription_create", PeriodStart = PeriodStart, PeriodEnd = PeriodEnd,
        });

        var allowance = await h.PublishedOne<StartAllowancePeriod>(m => m.CustomerId == "paid-1");
        Assert.Equal("pro", allowance.PlanId);
    }
}

public class When_a_subscription_renews
{
    [Fact]
    public async Task Should_grant_the_next_periods_allowance_once_however_often_the_invoice_event_arrives()
    {
        await using var h = await SagaHarness.Start();
        await Register(h, "renew-1");
        var paid = new StripeInvoicePaid
        {
            InvoiceId = "in_cycle", SubscriptionId = "sub_renew-1", CustomerId = "renew-1", BillingReason = "subscription_cycle", PeriodStart = PeriodEnd, PeriodEnd = PeriodEnd.AddMonths(1),
        };

        await h.Bus.Bus.Publish(paid);
        await h.PublishedOne<StartAllowancePeriod>(m => m.CustomerId == "renew-1" && m.PeriodStart == PeriodEnd);
        await h.Bus.Bus.Publish(paid);
        await h.Bus.Bus.Publish(paid with { InvoiceId = "in_proration", BillingReason = "subscription_update", PeriodStart = PeriodEnd.AddDays(40) });
        await h.WaitForConsumed<StripeInvoicePaid>(3);

        Assert.Equal(1, await h.PublishedCount<StartAllowancePeriod>(m => m.CustomerId == "renew-1" && m.PeriodStart == PeriodEnd));
        Assert.Equal(2, await h.PublishedCount<StartAllowancePeriod>(m => m.CustomerId == "renew-1"));
    }
}

public class When_a_customer_registers_twice
{
    [Fact]
    public async Task Should_create_one_stripe_customer_and_acknowledge_the_second_request()
    {
        await using var h = await SagaHarness.Start();
        await Register(h, "twice-1");

        await h.Bus.Bus.Publish(new RegisterCustomer { CustomerId = "twice-1" });

        await h.PublishedOne<CustomerRegistered>(m => m.CustomerId == "twice-1");
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (await h.PublishedCount<CustomerRegistered>(m => m.CustomerId == "twice-1") < 2 && DateTime.UtcNow < deadline)
            await Task.Delay(20);
        Assert.Equal(2, await h.PublishedCount<CustomerRegistered>(m => m.CustomerId == "twice-1"));
        Assert.Equal(1, await h.PublishedCount<CreateStripeCustomer>(m => m.CustomerId == "twice-1"));
        Assert.Equal(1, await h.PublishedCount<CreateSubscription>(m => m.CustomerId == "twice-1"));
    }
}

public class When_the_stripe_customer_cannot_be_created
{
    [Fact]
    public async Task Should_end_the_registration_failed_with_the_reason()
    {
        await using var h = await SagaHarness.Start();
        var id = SagaKeys.ForCustomer("broken-1");
        await h.Bus.Bus.Publish(new RegisterCustomer { CustomerId = "broken-1" });
        var create = await h.PublishedOne<CreateStripeCustomer>(m => m.CorrelationId == id);

        await h.Bus.Bus.Publish<MassTransit.Fault<CreateStripeCustomer>>(new
        {
            Message = create,
            Exceptions = new[] { new { Message = "Invalid email address", ExceptionType = "System.Exception" } },
        });

        var failed = await h.PublishedOne<CustomerRegistrationFailed>(m => m.CustomerId == "broken-1");
        Assert.StartsWith("the Stripe customer could not be created", failed.Reason);
        Assert.NotNull(await h.Customers.Exists(id, h.CustomerMachine.RegistrationFailed));
    }
}

public class When_stripe_reports_a_subscription_status
{
    [Fact]
    public async Task Should_show_it_on_the_customer()
    {
        await using var h = await SagaHarness.Start();
        var id = await Register(h, "status-1");

        await h.Bus.Bus.Publish(new StripeSubscriptionUpdated { SubscriptionId = "sub_status-1", CustomerId = "status-1", Status = "past_due" });

        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (h.Customers.Sagas.Contains(id)?.SubscriptionStatus != "past_due" && DateTime.UtcNow < deadline)
            await Task.Delay(20);
        Assert.Equal("past_due", h.Customers.Sagas.Contains(id)?.SubscriptionStatus);
    }

    [Fact]
    public async Task Should_not_take_it_from_an_event_that_names_no_customer()
    {
        // The Gateway names the customer from the subscription's metadata or its Stripe customer's link; an event naming
        // nobody is another app's subscription, even when its subscription id is one the saga holds.
        await using var h = await SagaHarness.Start();
        var id = await Register(h, "status-2");

        await h.Bus.Bus.Publish(new StripeSubscriptionUpdated { SubscriptionId = "sub_status-2", Status = "past_due" });

        await h.WaitForConsumed<StripeSubscriptionUpdated>(1);
        Assert.NotEqual("past_due", h.Customers.Sagas.Contains(id)?.SubscriptionStatus);
    }
}
