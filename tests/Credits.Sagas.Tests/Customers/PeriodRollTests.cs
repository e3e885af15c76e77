using Credits.Contracts.Billing;
using Credits.Contracts.Customers;
using Credits.Contracts.PlanChanges;
using Credits.Sagas.StateMachines;
using static Credits.Sagas.Tests.Customers.CustomerScenario;

namespace Credits.Sagas.Tests.Customers;

public class When_the_subscription_rolls_into_its_next_period
{
    [Fact]
    public async Task Should_open_the_next_periods_allowance_at_the_roll_before_the_renewal_is_paid()
    {
        await using var h = await SagaHarness.Start();
        await Register(h, "roll-1");
        var next = PeriodEnd.AddMonths(1);

        // Stripe moves the subscription's period at the roll; the renewal invoice is a draft charged an hour later.
        await h.Bus.Bus.Publish(new StripeSubscriptionUpdated
        {
            SubscriptionId = "sub_roll-1", CustomerId = "roll-1", Status = "active",
            Items = [new StripeSubscriptionItemState { ItemId = "si_flat", PriceId = "price_hobby", UsageType = "licensed", CurrentPeriodStart = PeriodEnd, CurrentPeriodEnd = next }],
        });

        var allowance = await h.PublishedOne<StartAllowancePeriod>(m => m.CustomerId == "roll-1" && m.PeriodStart == PeriodEnd);
        Assert.Equal(next, allowance.PeriodEnd);
    }

    [Fact]
    public async Task Should_open_it_once_from_the_draft_renewal_invoice_and_not_again_when_it_is_paid()
    {
        await using var h = await SagaHarness.Start();
        await Register(h, "roll-2");
        var next = PeriodEnd.AddMonths(1);

        await h.Bus.Bus.Publish(new StripeInvoiceCreated
        {
            InvoiceId = "in_cycle", SubscriptionId = "sub_roll-2", CustomerId = "roll-2", BillingReason = "subscription_cycle", Status = "draft",
            PeriodStart = PeriodEnd, PeriodEnd = next,
        });
        await h.PublishedOne<StartAllowancePeriod>(m => m.CustomerId == "roll-2" && m.PeriodStart == PeriodEnd);
        await h.Bus.Bus.Publish(new StripeInvoicePaid
        {
            InvoiceId = "in_cycle", SubscriptionId = "sub_roll-2", CustomerId = "roll-2", BillingReason = "subscription_cycle", PeriodStart = PeriodEnd, PeriodEnd = next,
        });
        await h.WaitForConsumed<StripeInvoicePaid>(1);

        Assert.Equal(1, await h.PublishedCount<StartAllowancePeriod>(m => m.CustomerId == "roll-2" && m.PeriodStart == PeriodEnd));
    }
}

/// <summary>
/// A plan change moves Stripe's items before PlanChanged reaches the customer saga: a roll in between must open the plan
/// Stripe renews, not the one the customer is leaving (noticed in CI, 2026-12-03). A roll heard of only after a change
/// completed in the new period keeps the new plan, with the allowance the renewal paid for.
/// </summary>
public class When_the_subscription_rolls_while_its_plan_is_changing
{
    static readonly DateTimeOffset Next = PeriodEnd.AddMonths(1);

    static StripeInvoiceCreated Renewal(string customerId, string? price) => new()
    {
        InvoiceId = "in_cycle", SubscriptionId = $"sub_{customerId}", CustomerId = customerId, BillingReason = "subscription_cycle", Status = "draft",
        PeriodStart = PeriodEnd, PeriodEnd = Next, ServicePriceId = price,
    };

    static async Task<Guid> UpgradeInFlight(SagaHarness h, string customerId)
    {
        var op = Guid.NewGuid();
        await h.Bus.Bus.Publish(new ChangePlan { OperationId = op, CustomerId = customerId, NewPlanId = "pro" });
        await h.PublishedOne<BeginPlanChange>(m => m.OperationId == op);
        return op;
    }

    [Fact]
    public async Task Should_open_the_renewal_invoices_plan_while_the_change_is_in_flight()
    {
        await using var h = await SagaHarness.Start();
        var id = await Register(h, "billed-1");
        await UpgradeInFlight(h, "billed-1");

        // Stripe renews Pro's flat fee; the customer saga still holds Hobby until PlanChanged.
        await h.Bus.Bus.Publish(Renewal("billed-1", Plans.Pro.FlatPriceId));

        var allowance = await h.PublishedOne<StartAllowancePeriod>(m => m.CustomerId == "billed-1" && m.PeriodStart == PeriodEnd);
        Assert.Equal(("pro", (long?)null), (allowance.PlanId, allowance.Allowance));
        Assert.Equal("hobby", h.Customers.Sagas.Contains(id)!.PlanId);   // the customer's plan is PlanChanged's to set
    }

    [Fact]
    public async Task Should_open_the_subscriptions_plan_when_its_new_period_is_seen_first()
    {
        await using var h = await SagaHarness.Start();
        await Register(h, "billed-2");
        await UpgradeInFlight(h, "billed-2");

        await h.Bus.Bus.Publish(new StripeSubscriptionUpdated
        {
            SubscriptionId = "sub_billed-2", CustomerId = "billed-2", Status = "active",
            Items =
            [
                new StripeSubscriptionItemState { ItemId = "si_flat", PriceId = Plans.Pro.FlatPriceId, UsageType = "licensed", CurrentPeriodStart = PeriodEnd, CurrentPeriodEnd = Next },
                new StripeSubscriptionItemState { ItemId = "si_metered", PriceId = Plans.Pro.MeteredPriceId!, UsageType = "metered", CurrentPeriodStart = PeriodEnd, CurrentPeriodEnd = Next },
            ],
        });

        Assert.Equal("pro", (await h.PublishedOne<StartAllowancePeriod>(m => m.CustomerId == "billed-2" && m.PeriodStart == PeriodEnd)).PlanId);
    }

    [Fact]
    public async Task Should_keep_the_new_plan_with_the_renewals_allowance_for_a_roll_heard_of_after_the_change()
    {
        await using var h = await SagaHarness.Start();
        var id = await Register(h, "billed-3");
        var op = await UpgradeInFlight(h, "billed-3");
        // The upgrade completed in the new period (its credits granted there); the roll's webhooks come later.
        await h.Bus.Bus.Publish(new PlanChanged { OperationId = op, CustomerId = "billed-3", FromPlanId = "hobby", ToPlanId = "pro", Items = [Plans.ProFlat, Plans.ProMetered] });
        await h.WaitForSagaConsumed<CustomerLifecycleState, PlanChanged>(h.Customers, m => m.OperationId == op);

        // Stripe renewed Hobby at the roll, before the upgrade.
        await h.Bus.Bus.Publish(Renewal("billed-3", Plans.Hobby.FlatPriceId));

        var allowance = await h.PublishedOne<StartAllowancePeriod>(m => m.CustomerId == "billed-3" && m.PeriodStart == PeriodEnd);
        Assert.Equal(("pro", (long?)Plans.Hobby.IncludedCredits), (allowance.PlanId, allowance.Allowance));
    }

    [Fact]
    public async Task Should_keep_the_customers_plan_for_a_price_the_catalog_does_not_know()
    {
        await using var h = await SagaHarness.Start();
        await Register(h, "billed-4");
        await UpgradeInFlight(h, "billed-4");

        await h.Bus.Bus.Publish(Renewal("billed-4", "price_retired"));

        var allowance = await h.PublishedOne<StartAllowancePeriod>(m => m.CustomerId == "billed-4" && m.PeriodStart == PeriodEnd);
        Assert.Equal(("hobby", (long?)null), (allowance.PlanId, allowance.Allowance));
    }
}

public class When_the_first_invoice_is_paid_before_the_subscription_reply_arrives
{
    [Fact]
    public async Task Should_open_the_first_period_all_the_same()
    {
        await using var h = await SagaHarness.Start();
        var id = SagaKeys.ForCustomer("early-1");
        // Registered for Pro: subscribed on the free plan first, upgraded once active (docs/lifecycle/cards.md).
        await h.Bus.Bus.Publish(new RegisterCustomer { CustomerId = "early-1", PlanId = "pro" });
        await h.PublishedOne<CreateStripeCustomer>(m => m.CorrelationId == id);
        await h.Bus.Bus.Publish(new StripeCustomerCreated { CorrelationId = id, StripeCustomerId = "cus_early-1" });
        var subscription = await h.PublishedOne<CreateSubscription>(m => m.CorrelationId == id);
        Assert.Equal(("hobby", "price_hobby"), (subscription.PlanId, subscription.FlatPriceId));

        // invoice.paid (its subscription's metadata names the customer) overtakes the CreateSubscription reply.
        await h.Bus.Bus.Publish(new StripeInvoicePaid
        {
            InvoiceId = "in_first", SubscriptionId = "sub_early-1", CustomerId = "early-1", BillingReason = "subscription_create",
            PeriodStart = PeriodStart, PeriodEnd = PeriodEnd,
        });
        await h.WaitForConsumed<StripeInvoicePaid>(1);
        await h.Bus.Bus.Publish(new SubscriptionCreated
        {
            CorrelationId = id, SubscriptionId = "sub_early-1", Status = "active", Items = [Plans.HobbyFlat],
            PeriodStart = PeriodStart, PeriodEnd = PeriodEnd,
        });

        var allowance = await h.PublishedOne<StartAllowancePeriod>(m => m.CustomerId == "early-1");
        Assert.Equal(("hobby", PeriodStart), (allowance.PlanId, allowance.PeriodStart));
        Assert.NotNull(await h.Customers.Exists(id, h.CustomerMachine.Active));
        // The upgrade to the plan asked for follows in the customer's plan-change slot.
        var upgrade = await h.PublishedOne<BeginPlanChange>(m => m.CustomerId == "early-1");
        Assert.Equal((SagaKeys.ForRegistrationUpgrade("early-1"), "hobby", "pro"), (upgrade.OperationId, upgrade.FromPlan.PlanId, upgrade.ToPlan.PlanId));
        Assert.Equal(1, await h.PublishedCount<StartAllowancePeriod>(m => m.CustomerId == "early-1"));
    }
}

public class When_a_paid_plan_is_asked_for_at_registration_and_no_card_comes
{
    [Fact]
    public async Task Should_stay_active_on_the_free_plan_with_its_plan_change_slot_freed()
    {
        await using var h = await SagaHarness.Start();
        var id = await Register(h, "nocard-1", "pro");
        var upgrade = await h.PublishedOne<BeginPlanChange>(m => m.CustomerId == "nocard-1");
        Assert.Equal(upgrade.OperationId, h.Customers.Sagas.Contains(id)!.PlanChangeOperationId);

        // The upgrade's card page expired (PlanChangeStateMachine): nothing was changed at Stripe.
        await h.Bus.Bus.Publish(new PlanChangeFailed
        {
            OperationId = upgrade.OperationId, CustomerId = "nocard-1", FromPlanId = "hobby", ToPlanId = "pro", Items = [Plans.HobbyFlat],
            Reason = "no card was given for the upgrade",
        });
        await h.WaitForSagaConsumed<CustomerLifecycleState, PlanChangeFailed>(h.Customers, m => m.OperationId == upgrade.OperationId);

        var customer = h.Customers.Sagas.Contains(id)!;
        Assert.Equal(("hobby", null, "Active"), (customer.PlanId, customer.PlanChangeOperationId, customer.CurrentState));
        Assert.Equal(0, await h.PublishedCount<CustomerRegistrationFailed>(_ => true));
    }
}

public class When_the_first_invoice_of_a_paid_default_plan_cannot_be_paid
{
    [Fact]
    public async Task Should_fail_the_registration_with_the_reason()
    {
        // Only a catalog whose default plan is paid subscribes a paid plan directly (no free plan to start on).
        await using var h = await SagaHarness.Start(defaultPlanId: "pro");
        var id = SagaKeys.ForCustomer("nocard-2");
        await h.Bus.Bus.Publish(new RegisterCustomer { CustomerId = "nocard-2", PlanId = "pro" });
        await h.PublishedOne<CreateStripeCustomer>(m => m.CorrelationId == id);
        await h.Bus.Bus.Publish(new StripeCustomerCreated { CorrelationId = id, StripeCustomerId = "cus_nocard-2" });
        await h.PublishedOne<CreateSubscription>(m => m.CorrelationId == id);

        await h.Bus.Bus.Publish(new SubscriptionNotStarted { CorrelationId = id, SubscriptionId = "sub_nocard-2", Reason = "no card on file" });

        var failed = await h.PublishedOne<CustomerRegistrationFailed>(m => m.CustomerId == "nocard-2");
        Assert.Equal(("create-subscription", "no card on file"), (failed.Step, failed.Reason));
        Assert.NotNull(await h.Customers.Exists(id, h.CustomerMachine.RegistrationFailed));
    }
}

public class When_a_renewal_stays_unpaid
{
    [Fact]
    public async Task Should_stop_overage_after_the_grace_and_resume_it_when_the_renewal_is_paid()
    {
        await using var h = await SagaHarness.Start(renewalGrace: TimeSpan.FromMilliseconds(300));
        var id = await Register(h, "unpaid-1");
        var next = PeriodEnd.AddMonths(1);

        await h.Bus.Bus.Publish(new StripeInvoicePaymentFailed
        {
            InvoiceId = "in_cycle", SubscriptionId = "sub_unpaid-1", CustomerId = "unpaid-1", BillingReason = "subscription_cycle", AttemptCount = 1,
        });
        await h.Bus.Bus.Publish(new StripeSubscriptionUpdated { SubscriptionId = "sub_unpaid-1", CustomerId = "unpaid-1", Status = "past_due" });

        var stopped = await h.PublishedOne<SetOverageSuspended>(m => m.CustomerId == "unpaid-1");
        Assert.True(stopped.Suspended);
        Assert.Equal(1, await h.PublishedCount<SetOverageSuspended>(m => m.CustomerId == "unpaid-1"));

        await h.Bus.Bus.Publish(new StripeInvoicePaid
        {
            InvoiceId = "in_cycle", SubscriptionId = "sub_unpaid-1", CustomerId = "unpaid-1", BillingReason = "subscription_cycle", PeriodStart = PeriodEnd, PeriodEnd = next,
        });
        var resumed = await h.PublishedOne<SetOverageSuspended>(m => m.CustomerId == "unpaid-1" && !m.Suspended);
        Assert.False(resumed.Suspended);
        await h.WaitForSagaConsumed<CustomerLifecycleState, StripeInvoicePaid>(h.Customers, m => m.InvoiceId == "in_cycle" && m.CustomerId == "unpaid-1");
        Assert.Null(h.Customers.Sagas.Contains(id)?.RenewalUnpaidSince);
    }

    [Fact]
    public async Task Should_keep_the_plans_terms_when_it_is_paid_within_the_grace()
    {
        await using var h = await SagaHarness.Start(renewalGrace: TimeSpan.FromSeconds(3));
        await Register(h, "unpaid-2");

        var pastDueAt = DateTimeOffset.UtcNow;
        await h.Bus.Bus.Publish(new StripeSubscriptionUpdated { SubscriptionId = "sub_unpaid-2", CustomerId = "unpaid-2", Status = "past_due", EventCreated = pastDueAt });
        await h.WaitForConsumed<StripeSubscriptionUpdated>(1);
        // Paid: Stripe sets the subscription active again, after it went past due.
        await h.Bus.Bus.Publish(new StripeSubscriptionUpdated { SubscriptionId = "sub_unpaid-2", CustomerId = "unpaid-2", Status = "active", EventCreated = pastDueAt.AddMinutes(1) });
        await h.WaitForConsumed<StripeSubscriptionUpdated>(2);
        await Task.Delay(TimeSpan.FromSeconds(3.5));

        var saga = h.Customers.Sagas.Contains(SagaKeys.ForCustomer("unpaid-2"))!;
        Assert.Equal((null, "active"), (saga.RenewalUnpaidSince, saga.SubscriptionStatus));
        Assert.Equal(0, await h.PublishedCount<SetOverageSuspended>(m => m.CustomerId == "unpaid-2"));
    }
}
