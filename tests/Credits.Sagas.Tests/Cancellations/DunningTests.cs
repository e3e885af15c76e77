using Credits.Contracts.Billing;
using Credits.Contracts.Customers;
using static Credits.Sagas.Tests.Cancellations.CancellationScenario;
using static Credits.Sagas.Tests.Customers.CustomerScenario;

namespace Credits.Sagas.Tests.Cancellations;

public class When_a_renewal_is_declined
{
    static StripeInvoicePaymentFailed Failed(string customerId, long attempt) => new()
    {
        InvoiceId = $"in_cycle_{customerId}", SubscriptionId = $"sub_{customerId}", CustomerId = customerId, BillingReason = "subscription_cycle",
        AmountDue = 2000, Currency = "usd", AttemptCount = attempt, HostedInvoiceUrl = $"https://stripe.test/invoice/in_cycle_{customerId}",
    };

    [Fact]
    public async Task Should_publish_SubscriptionPastDue_once_per_invoice_and_stop_overage_at_once()
    {
        await using var h = await SagaHarness.Start();   // the default: no grace
        var customer = await RegisterPro(h, "dun-1");

        await h.Bus.Bus.Publish(Failed("dun-1", 1));
        await h.Bus.Bus.Publish(new StripeSubscriptionUpdated { SubscriptionId = "sub_dun-1", CustomerId = "dun-1", Status = "past_due" });
        await h.Bus.Bus.Publish(Failed("dun-1", 2));   // Stripe's retry, declined again
        await h.WaitForConsumed<StripeInvoicePaymentFailed>(2);

        var pastDue = await h.PublishedOne<SubscriptionPastDue>(m => m.CustomerId == "dun-1");
        Assert.Equal(("in_cycle_dun-1", 2000L, "https://stripe.test/invoice/in_cycle_dun-1"), (pastDue.InvoiceId, pastDue.AmountDue, pastDue.HostedInvoiceUrl));
        Assert.True((await h.PublishedOne<SetOverageSuspended>(m => m.CustomerId == "dun-1")).Suspended);
        Assert.Equal(1, await h.PublishedCount<SubscriptionPastDue>(m => m.CustomerId == "dun-1"));
        Assert.Equal(1, await h.PublishedCount<SetOverageSuspended>(m => m.CustomerId == "dun-1"));
        Assert.Equal("in_cycle_dun-1", h.Customers.Sagas.Contains(customer)!.PastDueInvoiceId);
    }

    [Fact]
    public async Task Should_pay_the_open_invoice_with_a_card_saved_meanwhile_and_restore_overage_when_it_is_paid()
    {
        await using var h = await SagaHarness.Start();
        var customer = await RegisterPro(h, "dun-2");
        await h.Bus.Bus.Publish(Failed("dun-2", 1));
        await h.PublishedOne<SubscriptionPastDue>(m => m.CustomerId == "dun-2");

        await h.Bus.Bus.Publish(new CardSaved { CustomerId = "dun-2", StripeCustomerId = "cus_dun-2", PaymentMethodId = "pm_new", Source = "card-setup" });
        var pay = await h.PublishedOne<PayOpenInvoice>(m => m.CustomerId == "dun-2");
        Assert.Equal(("in_cycle_dun-2", "pm_new"), (pay.InvoiceId, pay.PaymentMethodId));

        await h.Bus.Bus.Publish(new StripeInvoicePaid
        {
            InvoiceId = "in_cycle_dun-2", SubscriptionId = "sub_dun-2", CustomerId = "dun-2", BillingReason = "subscription_cycle", PeriodStart = PeriodEnd, PeriodEnd = PeriodEnd.AddMonths(1),
        });
        Assert.False((await h.PublishedOne<SetOverageSuspended>(m => m.CustomerId == "dun-2" && !m.Suspended)).Suspended);
        await WaitFor(() => h.Customers.Sagas.Contains(customer)?.PastDueInvoiceId is null);
        // A card saved when nothing is past due pays nothing.
        await h.Bus.Bus.Publish(new CardSaved { CustomerId = "dun-2", StripeCustomerId = "cus_dun-2", PaymentMethodId = "pm_other", Source = "card-setup" });
        await h.WaitForConsumed<CardSaved>(2);
        Assert.Equal(0, await h.PublishedCount<PayOpenInvoice>(m => m.PaymentMethodId == "pm_other"));
    }

    [Fact]
    public async Task Should_not_lift_the_stop_for_the_rolls_active_status_or_an_older_renewals_payment_delivered_late()
    {
        await using var h = await SagaHarness.Start();
        var customer = await RegisterPro(h, "dun-late");
        var failedAt = DateTimeOffset.UtcNow;
        await h.Bus.Bus.Publish(Failed("dun-late", 1) with { EventCreated = failedAt });
        await h.Bus.Bus.Publish(new StripeSubscriptionUpdated { SubscriptionId = "sub_dun-late", CustomerId = "dun-late", Status = "past_due", EventCreated = failedAt });
        Assert.True((await h.PublishedOne<SetOverageSuspended>(m => m.CustomerId == "dun-late")).Suspended);

        // Stripe's events from before the failure, delivered again (webhook retries, a second endpoint): the period roll's
        // customer.subscription.updated (still active then) and the previous renewal's invoice.paid.
        await h.Bus.Bus.Publish(new StripeSubscriptionUpdated { SubscriptionId = "sub_dun-late", CustomerId = "dun-late", Status = "active", EventCreated = failedAt.AddHours(-1) });
        await h.Bus.Bus.Publish(new StripeInvoicePaid
        {
            InvoiceId = "in_cycle_previous", SubscriptionId = "sub_dun-late", CustomerId = "dun-late", BillingReason = "subscription_cycle", EventCreated = failedAt.AddDays(-30),
            PeriodStart = PeriodEnd.AddMonths(-1), PeriodEnd = PeriodEnd,
        });
        await h.WaitForConsumed<StripeSubscriptionUpdated>(2);
        await h.WaitForConsumed<StripeInvoicePaid>(1);

        Assert.Equal(0, await h.PublishedCount<SetOverageSuspended>(m => m.CustomerId == "dun-late" && !m.Suspended));
        Assert.Equal("in_cycle_dun-late", h.Customers.Sagas.Contains(customer)!.PastDueInvoiceId);
        Assert.True(h.Customers.Sagas.Contains(customer)!.OverageSuspended);

        // A status Stripe set after the failure (the retry paid) lifts it.
        await h.Bus.Bus.Publish(new StripeSubscriptionUpdated { SubscriptionId = "sub_dun-late", CustomerId = "dun-late", Status = "active", EventCreated = failedAt.AddMinutes(5) });
        Assert.False((await h.PublishedOne<SetOverageSuspended>(m => m.CustomerId == "dun-late" && !m.Suspended)).Suspended);
    }

    [Fact]
    public async Task Should_keep_the_plans_terms_for_a_configured_grace()
    {
        await using var h = await SagaHarness.Start(renewalGrace: TimeSpan.FromSeconds(2));
        await RegisterPro(h, "dun-3");

        await h.Bus.Bus.Publish(Failed("dun-3", 1));
        await h.PublishedOne<SubscriptionPastDue>(m => m.CustomerId == "dun-3");
        Assert.Equal(0, await h.PublishedCount<SetOverageSuspended>(m => m.CustomerId == "dun-3"));
        Assert.True((await h.PublishedOne<SetOverageSuspended>(m => m.CustomerId == "dun-3")).Suspended);
    }
}

public class When_Stripe_ends_the_subscription_after_the_last_failed_retry
{
    [Fact]
    public async Task Should_end_it_through_the_same_path_as_a_cancellation()
    {
        await using var h = await SagaHarness.Start();
        var customer = await RegisterPro(h, "final-1");
        await h.Bus.Bus.Publish(new StripeInvoicePaymentFailed
        {
            InvoiceId = "in_cycle", SubscriptionId = "sub_final-1", CustomerId = "final-1", BillingReason = "subscription_cycle", AmountDue = 2000, AttemptCount = 9,
        });
        await h.PublishedOne<SubscriptionPastDue>(m => m.CustomerId == "final-1");

        await SubscriptionDeleted(h, "final-1", "payment_failed");

        var begin = await h.PublishedOne<BeginCancellation>(m => m.CustomerId == "final-1");
        Assert.Equal((CancellationModes.EndedByStripe, "payment_failed", SagaKeys.ForSubscriptionEnd("sub_final-1")), (begin.Mode, begin.Reason, begin.OperationId));
        await MoveLedgerAndReportOverage(h, begin.OperationId);
        var canceled = await EndCredits(h, begin.OperationId);
        Assert.Equal("payment_failed", canceled.Reason);
        Assert.Equal(0, await h.PublishedCount<CancelSubscriptionNow>(_ => true));
        Assert.NotNull(await h.Customers.Exists(customer, h.CustomerMachine.Cancelled));
        Assert.Null(h.Customers.Sagas.Contains(customer)!.PastDueInvoiceId);
    }
}
