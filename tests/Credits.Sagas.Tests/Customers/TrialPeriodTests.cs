using Credits.Contracts.Billing;
using Credits.Contracts.Customers;
using static Credits.Sagas.Tests.Customers.CustomerScenario;

namespace Credits.Sagas.Tests.Customers;

/// <summary>
/// The registration's first period is the one marked for trial credits (StartAllowancePeriod.FirstPeriod); renewals are
/// not, and nor is anything a repeated registration causes.
/// </summary>
public class When_a_customers_first_period_opens
{
    [Fact]
    public async Task Should_mark_only_the_registrations_first_allowance_for_trial_credits_on_a_free_plan()
    {
        await using var h = await SagaHarness.Start();
        await Register(h, "trial-free");
        await h.Bus.Bus.Publish(new RegisterCustomer { CustomerId = "trial-free" });
        await h.Bus.Bus.Publish(new StripeInvoicePaid
        {
            InvoiceId = "in_cycle", SubscriptionId = "sub_trial-free", CustomerId = "trial-free", BillingReason = "subscription_cycle", PeriodStart = PeriodEnd, PeriodEnd = PeriodEnd.AddMonths(1),
        });

        await h.PublishedOne<StartAllowancePeriod>(m => m.CustomerId == "trial-free" && m.PeriodStart == PeriodEnd);
        await h.WaitForConsumed<RegisterCustomer>(2);
        var first = await h.PublishedOne<StartAllowancePeriod>(m => m.CustomerId == "trial-free" && m.PeriodStart == PeriodStart);
        Assert.True(first.FirstPeriod);
        Assert.Equal(1, await h.PublishedCount<StartAllowancePeriod>(m => m.CustomerId == "trial-free" && m.FirstPeriod));
    }

    [Fact]
    public async Task Should_mark_the_first_paid_invoices_period_and_not_the_renewals_on_a_paid_plan()
    {
        await using var h = await SagaHarness.Start(defaultPlanId: "pro");
        await Register(h, "trial-paid", "pro", [Plans.ProFlat, Plans.ProMetered]);
        var paid = new StripeInvoicePaid
        {
            InvoiceId = "in_first", SubscriptionId = "sub_trial-paid", CustomerId = "trial-paid", BillingReason = "subscription_create", PeriodStart = PeriodStart, PeriodEnd = PeriodEnd,
        };

        await h.Bus.Bus.Publish(paid);
        var first = await h.PublishedOne<StartAllowancePeriod>(m => m.CustomerId == "trial-paid");
        await h.Bus.Bus.Publish(paid with { InvoiceId = "in_cycle", BillingReason = "subscription_cycle", PeriodStart = PeriodEnd, PeriodEnd = PeriodEnd.AddMonths(1) });
        var renewal = await h.PublishedOne<StartAllowancePeriod>(m => m.CustomerId == "trial-paid" && m.PeriodStart == PeriodEnd);

        Assert.True(first.FirstPeriod);
        Assert.False(renewal.FirstPeriod);
    }
}
