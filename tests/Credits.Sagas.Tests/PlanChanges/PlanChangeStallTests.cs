using Credits.Contracts.PlanChanges;
using Credits.Sagas.StateMachines;
using MassTransit;
using MassTransit.Testing;
using static Credits.Sagas.Tests.PlanChanges.PlanChangeScenario;

namespace Credits.Sagas.Tests.PlanChanges;

/// <summary>Faults as MassTransit publishes them once a step's retries and redeliveries are exhausted.</summary>
internal static class Faults
{
    public static object Of<T>(T message, string error) => new
    {
        Message = message!,
        Exceptions = new[] { new { Message = error, ExceptionType = "System.Exception" } },
    };
}

public class When_an_upgrade_grant_faults_after_every_redelivery
{
    [Fact]
    public async Task Should_end_GrantFailed_and_free_the_slot_with_PlanChangeFailed()
    {
        await using var h = await SagaHarness.Start();
        var op = Guid.NewGuid();
        await h.Bus.Bus.Publish(Upgrade(op));
        await h.PublishedOne<UpdateSubscriptionItems>(m => m.OperationId == op);
        await h.Bus.Bus.Publish(new SubscriptionItemsUpdated { OperationId = op, Items = ProItems, InvoiceId = "in_1", InvoiceStatus = "paid" });
        var grant = await h.PublishedOne<GrantPlanChangeCredits>(m => m.OperationId == op);

        await h.Bus.Bus.Publish<Fault<GrantPlanChangeCredits>>(Faults.Of(grant, "the ledger is unavailable"));

        var failed = await h.PublishedOne<PlanChangeFailed>(m => m.OperationId == op);
        Assert.Contains("could not be granted", failed.Reason);
        Assert.NotNull(await h.PlanChanges.Exists(op, h.PlanChangeMachine.GrantFailed));
    }
}

public class When_an_upgrade_update_is_in_doubt
{
    static async Task<(SagaHarness H, Guid Op)> UpdateFaulted()
    {
        var h = await SagaHarness.Start();
        var op = Guid.NewGuid();
        await h.Bus.Bus.Publish(Upgrade(op));
        var update = await h.PublishedOne<UpdateSubscriptionItems>(m => m.OperationId == op);
        await h.Bus.Bus.Publish<Fault<UpdateSubscriptionItems>>(Faults.Of(update, "500 api_error"));
        var read = await h.PublishedOne<ReadSubscriptionState>(m => m.OperationId == op);
        Assert.Equal("sub_acme", read.SubscriptionId);
        Assert.NotNull(await h.PlanChanges.Exists(op, h.PlanChangeMachine.VerifyingChange));
        Assert.False(await h.Bus.Published.Any<PlanChangeFailed>()); // a 5xx is not a refusal
        return (h, op);
    }

    [Fact]
    public async Task Should_grant_when_stripe_shows_the_new_items_and_a_paid_proration_invoice()
    {
        var (h, op) = await UpdateFaulted();
        await using var _ = h;
        await h.Bus.Bus.Publish(new SubscriptionStateRead { OperationId = op, Items = ProItems, InvoiceId = "in_9", InvoiceStatus = "paid" });

        var grant = await h.PublishedOne<GrantPlanChangeCredits>(m => m.OperationId == op);
        Assert.Equal("pro", grant.PlanId);
        await h.Bus.Bus.Publish(new PlanChangeCreditsGranted { OperationId = op, Allowance = grant.Allowance });
        await h.PublishedOne<PlanChanged>(m => m.OperationId == op);
    }

    [Fact]
    public async Task Should_restore_and_void_when_the_new_items_are_unpaid()
    {
        var (h, op) = await UpdateFaulted();
        await using var _ = h;
        await h.Bus.Bus.Publish(new SubscriptionStateRead { OperationId = op, Items = ProItems, InvoiceId = "in_9", InvoiceStatus = "open" });

        var restore = await h.PublishedOne<RestoreSubscriptionItems>(m => m.OperationId == op);
        Assert.Equal("in_9", restore.VoidInvoiceId);
        Assert.NotEmpty(restore.Changes);
        Assert.False(await h.Bus.Published.Any<GrantPlanChangeCredits>());
    }

    [Fact]
    public async Task Should_fail_when_nothing_changed()
    {
        var (h, op) = await UpdateFaulted();
        await using var _ = h;
        await h.Bus.Bus.Publish(new SubscriptionStateRead { OperationId = op, Items = [Plans.HobbyFlat] });

        var failed = await h.PublishedOne<PlanChangeFailed>(m => m.OperationId == op);
        Assert.Contains("did not apply", failed.Reason);
        Assert.False(await h.Bus.Published.Any<RestoreSubscriptionItems>());
    }
}

public class When_a_restore_is_in_doubt
{
    [Fact]
    public async Task Should_grant_if_the_invoice_was_paid_after_all_and_fail_if_the_items_are_back()
    {
        foreach (var paidAfterAll in new[] { true, false })
        {
            await using var h = await SagaHarness.Start();
            var op = Guid.NewGuid();
            await h.Bus.Bus.Publish(Upgrade(op));
            await h.PublishedOne<UpdateSubscriptionItems>(m => m.OperationId == op);
            await h.Bus.Bus.Publish(new SubscriptionItemsUpdated { OperationId = op, Items = ProItems, InvoiceId = "in_d", InvoiceStatus = PlanChangeStateMachine.PaymentFailedStatus });
            var restore = await h.PublishedOne<RestoreSubscriptionItems>(m => m.OperationId == op);
            await h.Bus.Bus.Publish<Fault<RestoreSubscriptionItems>>(Faults.Of(restore, "500 api_error"));
            var read = await h.PublishedOne<ReadSubscriptionState>(m => m.OperationId == op);
            Assert.Equal("in_d", read.InvoiceId);

            await h.Bus.Bus.Publish(paidAfterAll
                ? new SubscriptionStateRead { OperationId = op, Items = ProItems, InvoiceId = "in_d", InvoiceStatus = "paid" }
                : new SubscriptionStateRead { OperationId = op, Items = [Plans.HobbyFlat], InvoiceId = "in_d", InvoiceStatus = "void" });

            if (paidAfterAll) await h.PublishedOne<GrantPlanChangeCredits>(m => m.OperationId == op);
            else Assert.NotNull(await h.PlanChanges.Exists(op, h.PlanChangeMachine.Failed));
        }
    }
}

public class When_a_plan_change_passes_its_deadline
{
    [Fact]
    public async Task Should_read_stripe_and_end_so_the_slot_is_freed()
    {
        await using var h = await SagaHarness.Start(planChangeDeadline: TimeSpan.FromSeconds(1));
        var op = Guid.NewGuid();
        await h.Bus.Bus.Publish(Upgrade(op));
        await h.PublishedOne<UpdateSubscriptionItems>(m => m.OperationId == op);
        // No answer to the update ever comes (a lost message).

        await h.PublishedOne<ReadSubscriptionState>(m => m.OperationId == op);
        await h.Bus.Bus.Publish(new SubscriptionStateRead { OperationId = op, Items = [Plans.HobbyFlat] });

        await h.PublishedOne<PlanChangeFailed>(m => m.OperationId == op);
        var saga = h.PlanChanges.Sagas.ContainsInState(op, h.PlanChangeMachine, h.PlanChangeMachine.Failed);
        Assert.NotNull(saga);
        Assert.Contains("deadline", saga!.Steps);
    }
}

public class When_a_downgrade_is_in_doubt
{
    [Fact]
    public async Task Should_move_the_ledger_back_when_stripe_kept_the_old_items()
    {
        await using var h = await SagaHarness.Start();
        var op = Guid.NewGuid();
        var periodEnd = DateTimeOffset.UtcNow.AddMilliseconds(200);
        await h.Bus.Bus.Publish(Downgrade(op, periodEnd));
        await h.PeriodNotRolled(op, periodEnd);
        await h.PublishedOne<GrantPlanChangeCredits>(m => m.OperationId == op && m.PlanId == "hobby");
        await h.Bus.Bus.Publish(new PlanChangeCreditsGranted { OperationId = op, Allowance = 0 });
        await h.PublishedOne<ReportFinalOverage>(m => m.OperationId == op);
        await h.Bus.Bus.Publish(new FinalOverageReported { OperationId = op, Quantity = 0 });
        var update = await h.PublishedOne<UpdateSubscriptionItems>(m => m.OperationId == op);
        await h.Bus.Bus.Publish<Fault<UpdateSubscriptionItems>>(Faults.Of(update, "500 api_error"));
        Assert.NotNull(await h.PlanChanges.Exists(op, h.PlanChangeMachine.VerifyingChange)); // its second read, of the items
        await h.Bus.Bus.Publish(new SubscriptionStateRead { OperationId = op, Items = [Plans.ProFlat, Plans.ProMetered] });

        var back = await h.PublishedOne<GrantPlanChangeCredits>(m => m.OperationId == op && m.PlanId == "pro");
        Assert.Equal(("ledger-back", 0L), (back.Step, back.Allowance));
        await h.Bus.Bus.Publish(new PlanChangeCreditsGranted { OperationId = op, Allowance = 0 });
        await h.PublishedOne<PlanChangeFailed>(m => m.OperationId == op);
    }
}
