using Credits.Contracts.Billing;
using Credits.Contracts.Customers;
using Credits.Contracts.PlanChanges;
using Credits.Sagas.StateMachines;
using static Credits.Sagas.Tests.Cancellations.CancellationScenario;
using static Credits.Sagas.Tests.Customers.CustomerScenario;

namespace Credits.Sagas.Tests.Cancellations;

public class When_a_customer_cancels_at_the_period_end
{
    [Fact]
    public async Task Should_schedule_it_at_Stripe_then_end_through_ledger_overage_and_credits_when_Stripe_ends_the_subscription()
    {
        await using var h = await SagaHarness.Start();
        var customer = await RegisterPro(h, "cancel-1");
        var op = await ScheduleCancellation(h, "cancel-1");
        await WaitFor(() => h.Customers.Sagas.Contains(customer)?.CancelAt == PeriodEnd);
        // Nothing of the end happens before the period end (the lead time is 10 minutes before a period a month away).
        Assert.Equal(0, await h.PublishedCount<GrantPlanChangeCredits>(m => m.OperationId == op));

        await SubscriptionDeleted(h, "cancel-1");
        await MoveLedgerAndReportOverage(h, op);
        var canceled = await EndCredits(h, op);

        Assert.Equal(("cancel-1", "pro", CancellationModes.AtPeriodEnd, 700L), (canceled.CustomerId, canceled.PlanId, canceled.Mode, canceled.AllowanceLapsed));
        Assert.NotNull(await h.Customers.Exists(customer, h.CustomerMachine.Cancelled));
        Assert.NotNull(await h.Cancellations.Exists(op, h.CancellationMachine.Cancelled));
        var saga = h.Customers.Sagas.Contains(customer)!;
        Assert.Equal((null, "canceled"), (saga.CancellationOperationId, saga.SubscriptionStatus));
    }

    [Fact]
    public async Task Should_stop_overage_and_report_it_at_the_lead_time_and_end_the_credits_only_once_Stripe_has_ended_it()
    {
        // A lead time longer than the rest of the period: the end path starts as soon as the cancellation is scheduled.
        await using var h = await SagaHarness.Start(cancellationLeadTime: TimeSpan.FromDays(40));
        await RegisterPro(h, "cancel-2");
        var op = await ScheduleCancellation(h, "cancel-2");

        await MoveLedgerAndReportOverage(h, op);
        Assert.NotNull(await h.Cancellations.Exists(op, h.CancellationMachine.AwaitingEnd));
        Assert.Equal(0, await h.PublishedCount<EndSubscriptionCredits>(m => m.OperationId == op));

        await SubscriptionDeleted(h, "cancel-2");
        await EndCredits(h, op);
        Assert.NotNull(await h.Customers.Exists(SagaKeys.ForCustomer("cancel-2"), h.CustomerMachine.Cancelled));
    }
}

public class When_a_cancelled_customer_is_renewed_or_changes_plan
{
    [Fact]
    public async Task Should_open_no_new_period_and_refuse_the_plan_change_clearly()
    {
        await using var h = await SagaHarness.Start();
        var customer = await RegisterPro(h, "cancel-3");
        var op = await ScheduleCancellation(h, "cancel-3");
        await SubscriptionDeleted(h, "cancel-3");
        await MoveLedgerAndReportOverage(h, op);
        await EndCredits(h, op);
        Assert.NotNull(await h.Customers.Exists(customer, h.CustomerMachine.Cancelled));

        // Stripe's last invoice of the ended subscription, and a roll that should never come: no allowance.
        await h.Bus.Bus.Publish(new StripeInvoicePaid
        {
            InvoiceId = "in_late", SubscriptionId = "sub_cancel-3", CustomerId = "cancel-3", BillingReason = "subscription_cycle", PeriodStart = PeriodEnd, PeriodEnd = PeriodEnd.AddMonths(1),
        });
        await h.WaitForConsumed<StripeInvoicePaid>(1);
        var change = Guid.NewGuid();
        await h.Bus.Bus.Publish(new ChangePlan { OperationId = change, CustomerId = "cancel-3", NewPlanId = "hobby" });

        var rejected = await h.PublishedOne<PlanChangeRejected>(m => m.OperationId == change);
        Assert.Contains("cancelled", rejected.Reason);
        Assert.Equal(0, await h.PublishedCount<StartAllowancePeriod>(m => m.CustomerId == "cancel-3" && m.PeriodStart == PeriodEnd));
        Assert.Equal(0, await h.PublishedCount<BeginPlanChange>(m => m.OperationId == change));
    }
}

public class When_a_customer_resumes_before_the_period_end
{
    [Fact]
    public async Task Should_clear_cancel_at_period_end_free_the_slot_and_let_a_plan_change_through()
    {
        await using var h = await SagaHarness.Start();
        var customer = await RegisterPro(h, "resume-1");
        var op = await ScheduleCancellation(h, "resume-1");

        var resume = Guid.NewGuid();
        await h.Bus.Bus.Publish(new ResumeSubscription { OperationId = resume, CustomerId = "resume-1" });
        var flag = await h.PublishedOne<SetCancelAtPeriodEnd>(m => m.OperationId == op && !m.CancelAtPeriodEnd);
        Assert.NotEqual(SagaKeys.Idempotency(CancellationStateMachineName, op, "cancel-at-period-end"), flag.IdempotencyKey);
        await h.Bus.Bus.Publish(new CancelAtPeriodEndSet { OperationId = op, CancelAtPeriodEnd = false, Status = "active" });

        await h.PublishedOne<SubscriptionResumed>(m => m.OperationId == op);
        await h.WaitForSagaConsumed<CustomerLifecycleState, SubscriptionResumed>(h.Customers, m => m.OperationId == op);
        Assert.NotNull(await h.Cancellations.Exists(op, h.CancellationMachine.Resumed));
        var resumed = h.Customers.Sagas.Contains(customer)!;
        Assert.Null(resumed.CancellationOperationId);
        Assert.Null(resumed.CancelAt);
        var change = Guid.NewGuid();
        await h.Bus.Bus.Publish(new ChangePlan { OperationId = change, CustomerId = "resume-1", NewPlanId = "hobby" });
        await h.PublishedOne<BeginPlanChange>(m => m.OperationId == change);

        // The subscription renews as before: the next period's allowance opens at the roll.
        await h.Bus.Bus.Publish(new StripeInvoiceCreated
        {
            InvoiceId = "in_cycle", SubscriptionId = "sub_resume-1", CustomerId = "resume-1", BillingReason = "subscription_cycle", Status = "draft", PeriodStart = PeriodEnd, PeriodEnd = PeriodEnd.AddMonths(1),
        });
        Assert.Equal(0, await h.PublishedCount<GrantPlanChangeCredits>(m => m.OperationId == op));
    }

    [Fact]
    public async Task Should_refuse_a_resume_when_nothing_is_scheduled()
    {
        await using var h = await SagaHarness.Start();
        await RegisterPro(h, "resume-2");
        var resume = Guid.NewGuid();

        await h.Bus.Bus.Publish(new ResumeSubscription { OperationId = resume, CustomerId = "resume-2" });

        var rejected = await h.PublishedOne<CancellationRejected>(m => m.OperationId == resume);
        Assert.Equal("no cancellation is scheduled for this customer", rejected.Reason);
        Assert.Equal(0, await h.PublishedCount<SetCancelAtPeriodEnd>(_ => true));
    }

    private const string CancellationStateMachineName = Sagas.StateMachines.CancellationStateMachine.SagaName;
}

public class When_a_cancellation_and_a_plan_change_meet
{
    [Fact]
    public async Task Should_refuse_a_cancellation_while_a_plan_change_is_in_flight()
    {
        await using var h = await SagaHarness.Start();
        await Register(h, "slot-1");
        var change = Guid.NewGuid();
        await h.Bus.Bus.Publish(new ChangePlan { OperationId = change, CustomerId = "slot-1", NewPlanId = "pro" });
        await h.PublishedOne<BeginPlanChange>(m => m.OperationId == change);

        var cancel = Guid.NewGuid();
        await h.Bus.Bus.Publish(new CancelSubscription { OperationId = cancel, CustomerId = "slot-1" });

        var rejected = await h.PublishedOne<CancellationRejected>(m => m.OperationId == cancel);
        Assert.Equal(change, rejected.InFlightOperationId);
        Assert.Equal(0, await h.PublishedCount<BeginCancellation>(m => m.OperationId == cancel));
        // Kept as the operation's record.
        Assert.NotNull(await h.Cancellations.Exists(cancel, h.CancellationMachine.RejectedState));
    }

    [Fact]
    public async Task Should_refuse_a_plan_change_while_a_cancellation_is_scheduled()
    {
        await using var h = await SagaHarness.Start();
        await RegisterPro(h, "slot-2");
        var cancel = await ScheduleCancellation(h, "slot-2");

        var change = Guid.NewGuid();
        await h.Bus.Bus.Publish(new ChangePlan { OperationId = change, CustomerId = "slot-2", NewPlanId = "hobby" });

        var rejected = await h.PublishedOne<PlanChangeRejected>(m => m.OperationId == change);
        Assert.Equal(cancel, rejected.InFlightOperationId);
        Assert.Equal(0, await h.PublishedCount<BeginPlanChange>(m => m.OperationId == change));
        var second = Guid.NewGuid();
        await h.Bus.Bus.Publish(new CancelSubscription { OperationId = second, CustomerId = "slot-2" });
        Assert.Equal(cancel, (await h.PublishedOne<CancellationRejected>(m => m.OperationId == second)).InFlightOperationId);
    }
}

public class When_an_operator_cancels_now
{
    [Fact]
    public async Task Should_move_the_ledger_and_report_the_overage_before_deleting_the_subscription_then_end_the_credits()
    {
        await using var h = await SagaHarness.Start();
        var customer = await RegisterPro(h, "now-1");
        var op = Guid.NewGuid();

        await h.Bus.Bus.Publish(new CancelSubscription { OperationId = op, CustomerId = "now-1", Immediately = true, RequestedBy = "operator" });
        await MoveLedgerAndReportOverage(h, op);
        var delete = await h.PublishedOne<CancelSubscriptionNow>(m => m.OperationId == op);
        Assert.Equal("sub_now-1", delete.SubscriptionId);
        Assert.Equal(0, await h.PublishedCount<SetCancelAtPeriodEnd>(m => m.OperationId == op));
        await h.Bus.Bus.Publish(new SubscriptionCanceledNow { OperationId = op, Status = "canceled", FinalInvoiceId = "in_final" });

        var canceled = await EndCredits(h, op);
        Assert.Equal(CancellationModes.Now, canceled.Mode);
        Assert.NotNull(await h.Customers.Exists(customer, h.CustomerMachine.Cancelled));
    }

    [Fact]
    public async Task Should_move_the_ledger_back_and_free_the_slot_when_Stripe_refuses_the_delete()
    {
        await using var h = await SagaHarness.Start();
        var customer = await RegisterPro(h, "now-2");
        var op = Guid.NewGuid();

        await h.Bus.Bus.Publish(new CancelSubscription { OperationId = op, CustomerId = "now-2", Immediately = true });
        await MoveLedgerAndReportOverage(h, op);
        var delete = await h.PublishedOne<CancelSubscriptionNow>(m => m.OperationId == op);
        await h.Bus.Bus.Publish<MassTransit.Fault<CancelSubscriptionNow>>(new
        {
            Message = delete, FaultId = Guid.NewGuid(), Timestamp = DateTime.UtcNow,
            Exceptions = new[] { new { ExceptionType = "StripeCallFailedException", Message = "no such subscription" } },
        });

        var back = await h.PublishedOne<GrantPlanChangeCredits>(m => m.OperationId == op && m.Step == "cancel-ledger-back");
        Assert.Equal("pro", back.PlanId);
        await h.Bus.Bus.Publish(new PlanChangeCreditsGranted { OperationId = op });
        await h.PublishedOne<CancellationFailed>(m => m.OperationId == op);
        await WaitFor(() => h.Customers.Sagas.Contains(customer)?.CancellationOperationId is null);
        Assert.NotNull(await h.Customers.Exists(customer, h.CustomerMachine.Active));
    }
}
