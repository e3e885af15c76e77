using Credits.Sagas.StateMachines;
using MassTransit.Testing;
using Credits.Contracts.Billing;
using Credits.Contracts.PlanChanges;
using Credits.Sagas.Invariant;
using static Credits.Sagas.Tests.PlanChanges.PlanChangeScenario;

namespace Credits.Sagas.Tests.PlanChanges;

public class When_an_upgrade_is_paid_with_the_update
{
    [Fact]
    public async Task Should_change_both_items_in_one_update_grant_prorated_credits_and_publish_PlanChanged()
    {
        await using var h = await SagaHarness.Start();
        var op = Guid.NewGuid();
        await h.Bus.Bus.Publish(Upgrade(op));

        var update = await h.PublishedOne<UpdateSubscriptionItems>(m => m.OperationId == op);
        Assert.Equal("always_invoice", update.ProrationBehavior);
        Assert.Equal($"credits:plan-change:{op:N}:upgrade-items", update.IdempotencyKey);
        Assert.Equal([new SubscriptionItemChange { ItemId = "si_flat", PriceId = "price_pro" }, new SubscriptionItemChange { PriceId = "price_pro_overage" }],
            update.Changes);

        await h.Bus.Bus.Publish(new SubscriptionItemsUpdated { OperationId = op, Step = update.Step, Items = ProItems, InvoiceId = "in_1", InvoiceStatus = "paid" });
        var grant = await h.PublishedOne<GrantPlanChangeCredits>(m => m.OperationId == op);
        Assert.Equal("pro", grant.PlanId);
        Assert.InRange(grant.Allowance, 499, 501); // half the period left: half of Pro's 1000

        await h.Bus.Bus.Publish(new PlanChangeCreditsGranted { OperationId = op, Allowance = grant.Allowance });
        var changed = await h.PublishedOne<PlanChanged>(m => m.OperationId == op);
        Assert.Equal(("hobby", "pro", grant.Allowance), (changed.FromPlanId, changed.ToPlanId, changed.CreditsGranted));
        Assert.True(SubscriptionItemsInvariant.Check(Plans.Pro, changed.Items).Holds);
        Assert.NotNull(await h.PlanChanges.Exists(op, h.PlanChangeMachine.Completed));
    }
}

/// <summary>
/// An upgrade Stripe applies after the period rolled (the card came through Checkout late) is charged for the new period:
/// its credits are granted in that period, not in the one the change began in, which the ledger has closed.
/// </summary>
public class When_an_upgrade_is_applied_after_the_period_rolled
{
    [Fact]
    public async Task Should_grant_the_credits_in_the_period_Stripe_answered_with()
    {
        await using var h = await SagaHarness.Start();
        var op = Guid.NewGuid();
        await h.Bus.Bus.Publish(Upgrade(op));
        var update = await h.PublishedOne<UpdateSubscriptionItems>(m => m.OperationId == op);
        var next = (Start: DateTimeOffset.UtcNow.AddMinutes(-1), End: DateTimeOffset.UtcNow.AddMinutes(-1).AddMonths(1));

        await h.Bus.Bus.Publish(new SubscriptionItemsUpdated
        {
            OperationId = op, Step = update.Step, Items = ProItems, InvoiceId = "in_1", InvoiceStatus = "paid", PeriodStart = next.Start, PeriodEnd = next.End,
        });

        var grant = await h.PublishedOne<GrantPlanChangeCredits>(m => m.OperationId == op);
        Assert.Equal((next.Start, next.End), (grant.PeriodStart, grant.PeriodEnd));
        Assert.InRange(grant.Allowance, 999, 1000);   // nearly all of the new period is left: nearly all of Pro's 1000
    }

    [Fact]
    public async Task Should_not_move_the_period_back_for_an_earlier_one()
    {
        await using var h = await SagaHarness.Start();
        var op = Guid.NewGuid();
        await h.Bus.Bus.Publish(Upgrade(op));
        var update = await h.PublishedOne<UpdateSubscriptionItems>(m => m.OperationId == op);

        await h.Bus.Bus.Publish(new SubscriptionItemsUpdated
        {
            OperationId = op, Step = update.Step, Items = ProItems, InvoiceId = "in_1", InvoiceStatus = "paid",
            PeriodStart = PeriodStart.AddMonths(-1), PeriodEnd = PeriodStart,
        });

        var grant = await h.PublishedOne<GrantPlanChangeCredits>(m => m.OperationId == op);
        Assert.Equal((PeriodStart, PeriodEnd), (grant.PeriodStart, grant.PeriodEnd));
    }
}

public class When_an_upgrade_invoice_is_paid_after_the_update
{
    [Fact]
    public async Task Should_grant_the_credits_when_the_invoice_paid_event_arrives()
    {
        await using var h = await SagaHarness.Start();
        var op = Guid.NewGuid();
        await h.Bus.Bus.Publish(Upgrade(op));
        await h.PublishedOne<UpdateSubscriptionItems>(m => m.OperationId == op);
        await h.Bus.Bus.Publish(new SubscriptionItemsUpdated { OperationId = op, Items = ProItems, InvoiceId = "in_late", InvoiceStatus = "open" });
        Assert.NotNull(await h.PlanChanges.Exists(op, h.PlanChangeMachine.AwaitingPayment));

        await h.Bus.Bus.Publish(new StripeInvoicePaid { InvoiceId = "in_other", EventCreated = DateTimeOffset.UtcNow });
        await h.Bus.Bus.Publish(new StripeInvoicePaid { InvoiceId = "in_late", EventCreated = DateTimeOffset.UtcNow });

        await h.PublishedOne<GrantPlanChangeCredits>(m => m.OperationId == op);
        Assert.NotNull(await h.PlanChanges.Exists(op, h.PlanChangeMachine.GrantingCredits));
    }
}

public class When_a_plan_change_payment_fails
{
    [Fact]
    public async Task Should_restore_the_previous_items()
    {
        await using var h = await SagaHarness.Start();
        var op = Guid.NewGuid();
        await h.Bus.Bus.Publish(Upgrade(op));
        await h.PublishedOne<UpdateSubscriptionItems>(m => m.OperationId == op);
        await h.Bus.Bus.Publish(new SubscriptionItemsUpdated { OperationId = op, Items = ProItems, InvoiceId = "in_2", InvoiceStatus = "open" });
        await h.PlanChanges.Exists(op, h.PlanChangeMachine.AwaitingPayment);

        await h.Bus.Bus.Publish(new StripeInvoicePaymentFailed { InvoiceId = "in_2" });

        var restore = await h.PublishedOne<RestoreSubscriptionItems>(m => m.OperationId == op);
        Assert.Equal("in_2", restore.VoidInvoiceId);
        Assert.Equal($"credits:plan-change:{op:N}:restore-items", restore.IdempotencyKey);
        var restored = SubscriptionItemsSimulation.Apply(ProItems, restore.Changes, SubscriptionItemsSimulation.UsageOf);
        Assert.True(SubscriptionItemsInvariant.Check(Plans.Hobby, restored).Holds);

        await h.Bus.Bus.Publish(new SubscriptionItemsRestored { OperationId = op, Items = restored });
        var failed = await h.PublishedOne<PlanChangeFailed>(m => m.OperationId == op);
        Assert.Contains("declined", failed.Reason);
        Assert.Equal(restored, failed.Items);
        Assert.False(await h.Bus.Published.Any<GrantPlanChangeCredits>());
        var saga = h.PlanChanges.Sagas.ContainsInState(op, h.PlanChangeMachine, h.PlanChangeMachine.Failed);
        Assert.NotNull(saga);
        Assert.Contains("restore-items done", saga.Steps);
    }
}

public class When_an_upgrade_payment_is_not_confirmed_in_time
{
    [Fact]
    public async Task Should_restore_the_previous_items_and_say_why()
    {
        await using var h = await SagaHarness.Start(paymentTimeout: TimeSpan.FromMilliseconds(300));
        var op = Guid.NewGuid();
        await h.Bus.Bus.Publish(Upgrade(op));
        await h.PublishedOne<UpdateSubscriptionItems>(m => m.OperationId == op);
        await h.Bus.Bus.Publish(new SubscriptionItemsUpdated { OperationId = op, Items = ProItems, InvoiceId = "in_3", InvoiceStatus = "open" });

        var restore = await h.PublishedOne<RestoreSubscriptionItems>(m => m.OperationId == op);
        Assert.NotNull(await h.PlanChanges.Exists(op, h.PlanChangeMachine.RestoringItems));
        var saga = h.PlanChanges.Sagas.ContainsInState(op, h.PlanChangeMachine, h.PlanChangeMachine.RestoringItems);
        Assert.Contains("not confirmed within", saga!.LastError);
        Assert.Contains(restore.Changes, c => c is { ItemId: "si_new_1", Deleted: true });
    }
}

public class When_the_payment_timeout_fires_after_the_upgrade_completed
{
    [Fact]
    public async Task Should_do_nothing()
    {
        await using var h = await SagaHarness.Start();
        var op = Guid.NewGuid();
        await h.Bus.Bus.Publish(Upgrade(op));
        await h.PublishedOne<UpdateSubscriptionItems>(m => m.OperationId == op);
        await h.Bus.Bus.Publish(new SubscriptionItemsUpdated { OperationId = op, Items = ProItems, InvoiceId = "in_4", InvoiceStatus = "paid" });
        await h.Bus.Bus.Publish(new PlanChangeCreditsGranted { OperationId = op, Allowance = 500 });
        await h.PlanChanges.Exists(op, h.PlanChangeMachine.Completed);

        await h.Bus.Bus.Publish(new Credits.Sagas.StateMachines.PaymentConfirmationTimedOut { OperationId = op });
        await h.Bus.Bus.Publish(new StripeInvoicePaymentFailed { InvoiceId = "in_4" });
        Assert.True(await h.Bus.Consumed.Any<Credits.Sagas.StateMachines.PaymentConfirmationTimedOut>());
        Assert.True(await h.Bus.Consumed.Any<StripeInvoicePaymentFailed>());

        Assert.NotNull(await h.PlanChanges.Exists(op, h.PlanChangeMachine.Completed));
        Assert.False(await h.Bus.Published.Any<RestoreSubscriptionItems>());
    }
}

public class When_the_same_plan_change_begins_twice
{
    [Fact]
    public async Task Should_send_one_update()
    {
        await using var h = await SagaHarness.Start();
        var op = Guid.NewGuid();
        await h.Bus.Bus.Publish(Upgrade(op));
        await h.PublishedOne<UpdateSubscriptionItems>(m => m.OperationId == op);
        await h.Bus.Bus.Publish(Upgrade(op));
        await h.WaitForConsumed<BeginPlanChange>(2);

        Assert.Equal(1, await h.PublishedCount<UpdateSubscriptionItems>(m => m.OperationId == op));
    }
}

public class When_stripe_refuses_the_upgrade
{
    [Fact]
    public async Task Should_fail_without_compensation_because_nothing_changed()
    {
        await using var h = await SagaHarness.Start();
        var op = Guid.NewGuid();
        await h.Bus.Bus.Publish(Upgrade(op));
        await h.PublishedOne<UpdateSubscriptionItems>(m => m.OperationId == op);
        await h.Bus.Bus.Publish(new SubscriptionItemsUpdateFailed { OperationId = op, Reason = "Your card was declined." });

        var failed = await h.PublishedOne<PlanChangeFailed>(m => m.OperationId == op);
        Assert.Contains("Your card was declined.", failed.Reason);
        Assert.Equal([Plans.HobbyFlat], failed.Items);
        Assert.False(await h.Bus.Published.Any<RestoreSubscriptionItems>());
    }
}

public class When_an_upgrade_starts_from_a_subscription_with_two_metered_items
{
    [Fact]
    public async Task Should_send_an_update_that_leaves_exactly_one_metered_item()
    {
        await using var h = await SagaHarness.Start();
        var op = Guid.NewGuid();
        var broken = new[] { Plans.HobbyFlat, Plans.ProMetered, Plans.ProMetered with { ItemId = "si_metered_2" } };
        await h.Bus.Bus.Publish(Upgrade(op, broken));

        var update = await h.PublishedOne<UpdateSubscriptionItems>(m => m.OperationId == op);
        var after = SubscriptionItemsSimulation.Apply(broken, update.Changes, SubscriptionItemsSimulation.UsageOf);
        Assert.Single(after, i => i.UsageType == "metered");
        Assert.True(SubscriptionItemsInvariant.Check(Plans.Pro, after).Holds);
    }
}

public class When_the_update_reports_a_failed_payment
{
    [Fact]
    public async Task Should_restore_at_once_without_waiting_for_the_timeout()
    {
        await using var h = await SagaHarness.Start(paymentTimeout: TimeSpan.FromHours(1));
        var op = Guid.NewGuid();
        await h.Bus.Bus.Publish(Upgrade(op));
        await h.PublishedOne<UpdateSubscriptionItems>(m => m.OperationId == op);

        await h.Bus.Bus.Publish(new SubscriptionItemsUpdated
        {
            OperationId = op, Items = ProItems, InvoiceId = "in_declined", InvoiceStatus = PlanChangeStateMachine.PaymentFailedStatus,
        });

        var restore = await h.PublishedOne<RestoreSubscriptionItems>(m => m.OperationId == op);
        Assert.Equal("in_declined", restore.VoidInvoiceId);
        Assert.NotNull(await h.PlanChanges.Exists(op, h.PlanChangeMachine.RestoringItems));
        Assert.False(await h.Bus.Published.Any<GrantPlanChangeCredits>());
    }
}

public class When_the_customer_saga_rejects_a_change
{
    [Fact]
    public async Task Should_keep_a_rejected_record_with_the_reason()
    {
        await using var h = await SagaHarness.Start();
        var op = Guid.NewGuid();
        var inFlight = Guid.NewGuid();
        await h.Bus.Bus.Publish(new PlanChangeRejected
        {
            OperationId = op, CustomerId = "acme", NewPlanId = "pro", InFlightOperationId = inFlight, Reason = "another plan change is in flight",
        });

        Assert.NotNull(await h.PlanChanges.Exists(op, h.PlanChangeMachine.Rejected));
        var record = h.PlanChanges.Sagas.Contains(op)!;
        Assert.Equal(("acme", "pro", $"another plan change is in flight (operation {inFlight})"), (record.CustomerId, record.ToPlanId, record.LastError));
        Assert.False(await h.Bus.Published.Any<UpdateSubscriptionItems>());
    }
}
