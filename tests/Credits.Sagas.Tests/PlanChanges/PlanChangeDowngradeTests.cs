using Credits.Contracts.PlanChanges;
using Credits.Sagas.StateMachines;
using Credits.Sagas.Invariant;
using static Credits.Sagas.Tests.PlanChanges.PlanChangeScenario;

namespace Credits.Sagas.Tests.PlanChanges;

public class When_a_downgrade_is_requested
{
    [Fact]
    public async Task Should_wait_for_the_period_end_move_the_ledger_then_report_overage_before_changing_the_items()
    {
        await using var h = await SagaHarness.Start();
        var op = Guid.NewGuid();
        var periodEnd = DateTimeOffset.UtcNow.AddSeconds(1.5);
        await h.Bus.Bus.Publish(Downgrade(op, periodEnd));
        Assert.NotNull(await h.PlanChanges.Exists(op, h.PlanChangeMachine.WaitingForPeriodEnd));
        Assert.False(await h.Bus.Published.Any<UpdateSubscriptionItems>());
        await h.PeriodNotRolled(op, periodEnd);

        // The ledger switches to Hobby for the rest of the period, with no allowance, BEFORE the last overage is
        // reported: from then on no usage becomes overage on Pro's terms, so the report is final.
        var ledgerPlan = await h.PublishedOne<GrantPlanChangeCredits>(m => m.OperationId == op);
        Assert.Equal(("hobby", 0L), (ledgerPlan.PlanId, ledgerPlan.Allowance));
        Assert.NotNull(await h.PlanChanges.Exists(op, h.PlanChangeMachine.MovingLedger));
        Assert.False(await h.Bus.Published.Any<ReportFinalOverage>());
        await h.Bus.Bus.Publish(new PlanChangeCreditsGranted { OperationId = op, Allowance = 0 });

        var report = await h.PublishedOne<ReportFinalOverage>(m => m.OperationId == op);
        Assert.Equal("cus_acme", report.StripeCustomerId);
        Assert.DoesNotContain("update-items", h.PlanChanges.Sagas.Contains(op)!.Steps); // not before the last overage is reported

        Assert.NotNull(await h.PlanChanges.Exists(op, h.PlanChangeMachine.ReportingOverage));

        await h.Bus.Bus.Publish(new FinalOverageReported { OperationId = op, Quantity = 42 });
        Assert.NotNull(await h.PlanChanges.Exists(op, h.PlanChangeMachine.DowngradingItems));
        var update = await h.PublishedOne<UpdateSubscriptionItems>(m => m.OperationId == op);
        // Not "none": removing the metered item must still bill the usage it carried.
        Assert.Equal("create_prorations", update.ProrationBehavior);
        var after = SubscriptionItemsSimulation.Apply([Plans.ProFlat, Plans.ProMetered], update.Changes, SubscriptionItemsSimulation.UsageOf);
        Assert.True(SubscriptionItemsInvariant.Check(Plans.Hobby, after).Holds);

        await h.Bus.Bus.Publish(new SubscriptionItemsUpdated { OperationId = op, Step = update.Step, Items = after });
        var changed = await h.PublishedOne<PlanChanged>(m => m.OperationId == op);
        Assert.Equal(("pro", "hobby"), (changed.FromPlanId, changed.ToPlanId));
        Assert.NotNull(await h.PlanChanges.Exists(op, h.PlanChangeMachine.Completed));
    }
}

public class When_the_final_overage_cannot_be_reported
{
    [Fact]
    public async Task Should_leave_the_items_alone_move_the_ledger_back_and_fail()
    {
        await using var h = await SagaHarness.Start();
        var op = Guid.NewGuid();
        var periodEnd = DateTimeOffset.UtcNow.AddMilliseconds(200);
        await h.Bus.Bus.Publish(Downgrade(op, periodEnd));
        await h.PeriodNotRolled(op, periodEnd);
        await h.PublishedOne<GrantPlanChangeCredits>(m => m.OperationId == op);
        await h.Bus.Bus.Publish(new PlanChangeCreditsGranted { OperationId = op, Allowance = 0 });
        var report = await h.PublishedOne<ReportFinalOverage>(m => m.OperationId == op);

        await h.Bus.Bus.Publish<MassTransit.Fault<ReportFinalOverage>>(new
        {
            Message = report,
            Exceptions = new[] { new { Message = "meter unavailable", ExceptionType = "System.Exception" } },
        });

        var back = await h.PublishedOne<GrantPlanChangeCredits>(m => m.OperationId == op && m.PlanId == "pro");
        Assert.Equal(("ledger-back", 0L), (back.Step, back.Allowance));
        await h.Bus.Bus.Publish(new PlanChangeCreditsGranted { OperationId = op, Allowance = 0 });
        var failed = await h.PublishedOne<PlanChangeFailed>(m => m.OperationId == op);
        Assert.Contains("overage could not be reported", failed.Reason);
        Assert.False(await h.Bus.Published.Any<UpdateSubscriptionItems>());
    }
}

public class When_a_downgrade_has_a_lead_time
{
    [Fact]
    public async Task Should_start_that_long_before_the_period_end()
    {
        await using var h = await SagaHarness.Start(downgradeLeadTime: TimeSpan.FromHours(1));
        var op = Guid.NewGuid();
        // The period ends in an hour and a second and a half: the change starts in a second and a half.
        var periodEnd = DateTimeOffset.UtcNow.AddHours(1).AddSeconds(1.5);
        await h.Bus.Bus.Publish(Downgrade(op, periodEnd));
        Assert.NotNull(await h.PlanChanges.Exists(op, h.PlanChangeMachine.WaitingForPeriodEnd));

        await h.PeriodNotRolled(op, periodEnd);
        await h.PublishedOne<GrantPlanChangeCredits>(m => m.OperationId == op);
        Assert.NotNull(await h.PlanChanges.Exists(op, h.PlanChangeMachine.MovingLedger));
    }
}

public class When_a_downgrades_time_comes_after_the_period_rolled
{
    /// <summary>
    /// The schedule fired late (the scheduler was down across the period end): Stripe has renewed Pro and charged it, and
    /// the customer saga opened the period with Pro's allowance. Changed now, Stripe would credit the unused rest of the
    /// paid period while the customer kept Pro's allowance. The downgrade waits for the renewed period's end instead.
    /// </summary>
    [Fact]
    public async Task Should_leave_the_ledger_and_items_alone_and_wait_for_the_renewed_periods_end()
    {
        await using var h = await SagaHarness.Start();
        var op = Guid.NewGuid();
        var periodEnd = DateTimeOffset.UtcNow.AddMilliseconds(200);
        await h.Bus.Bus.Publish(Downgrade(op, periodEnd));
        await h.PublishedOne<ReadSubscriptionState>(m => m.OperationId == op);
        var renewedEnd = periodEnd.AddDays(30);
        await h.Bus.Bus.Publish(ProPeriodRead(op, periodEnd, renewedEnd));

        await h.WaitForSagaConsumed<PlanChangeState, SubscriptionStateRead>(h.PlanChanges, m => m.OperationId == op && m.PeriodEnd == renewedEnd);
        var waiting = await h.PlanChanges.Exists(op, h.PlanChangeMachine.WaitingForPeriodEnd);
        Assert.NotNull(waiting);
        var saga = h.PlanChanges.Sagas.Contains(op)!;
        Assert.Equal((periodEnd, renewedEnd), (saga.PeriodStart, saga.PeriodEnd));
        Assert.Contains("it waits for that period's end", saga.Steps);
        await Task.Delay(500); // the old schedule's time is long past: nothing more may follow it
        Assert.False(await h.Bus.Published.Any<GrantPlanChangeCredits>(m => m.Context.Message.OperationId == op));
        Assert.False(await h.Bus.Published.Any<ReportFinalOverage>(m => m.Context.Message.OperationId == op));
        Assert.False(await h.Bus.Published.Any<UpdateSubscriptionItems>(m => m.Context.Message.OperationId == op));
        Assert.False(await h.Bus.Published.Any<PlanChanged>(m => m.Context.Message.OperationId == op));
    }
}

public class When_a_downgrades_deadline_fires_with_its_late_time
{
    /// <summary>
    /// The scheduler was down for longer than the deadline past the downgrade's time: both fire at once. The deadline of a
    /// downgrade that has moved nothing checks the period like the schedule; read as a stuck change, Stripe's old items
    /// would end it as not applied (PlanChangeFailed), and the customer would have to ask again.
    /// </summary>
    [Fact]
    public async Task Should_wait_for_the_renewed_periods_end_and_not_fail()
    {
        await using var h = await SagaHarness.Start(planChangeDeadline: TimeSpan.FromMilliseconds(300));
        var op = Guid.NewGuid();
        var periodEnd = DateTimeOffset.UtcNow.AddSeconds(-1);
        await h.Bus.Bus.Publish(Downgrade(op, periodEnd));
        await h.PublishedOne<ReadSubscriptionState>(m => m.OperationId == op);
        var renewedEnd = periodEnd.AddDays(30);
        var renewed = ProPeriodRead(op, periodEnd, renewedEnd);
        // Each read gets Stripe's answer (the schedule's and the deadline's, in either order); a late one is ignored.
        for (var answered = 0; answered < 3; answered++)
        {
            await h.Bus.Bus.Publish(renewed);
            await Task.Delay(400);
        }

        var saga = h.PlanChanges.Sagas.Contains(op)!;
        Assert.Equal(("WaitingForPeriodEnd", renewedEnd), (saga.CurrentState, saga.PeriodEnd));
        Assert.Contains("deadline", saga.Steps);
        Assert.False(await h.Bus.Published.Any<PlanChangeFailed>(m => m.Context.Message.OperationId == op));
        Assert.False(await h.Bus.Published.Any<GrantPlanChangeCredits>(m => m.Context.Message.OperationId == op));
        Assert.False(await h.Bus.Published.Any<UpdateSubscriptionItems>(m => m.Context.Message.OperationId == op));
    }
}
