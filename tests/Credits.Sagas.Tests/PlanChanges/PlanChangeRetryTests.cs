using Credits.Contracts.Operators;
using Credits.Contracts.PlanChanges;
using Credits.Sagas.StateMachines;
using MassTransit;
using static Credits.Sagas.Tests.PlanChanges.PlanChangeScenario;

namespace Credits.Sagas.Tests.PlanChanges;

/// <summary>An upgrade that ended GrantFailed (paid, on Stripe, the ledger refused its credits to the end), then an operator's retry.</summary>
internal static class GrantFailedScenario
{
    public static async Task<GrantPlanChangeCredits> EndGrantFailed(SagaHarness h, Guid op)
    {
        await h.Bus.Bus.Publish(Upgrade(op));
        await h.PublishedOne<UpdateSubscriptionItems>(m => m.OperationId == op);
        await h.Bus.Bus.Publish(new SubscriptionItemsUpdated { OperationId = op, Items = ProItems, InvoiceId = "in_1", InvoiceStatus = "paid" });
        var grant = await h.PublishedOne<GrantPlanChangeCredits>(m => m.OperationId == op);
        await h.Bus.Bus.Publish<Fault<GrantPlanChangeCredits>>(Faults.Of(grant, "the ledger is unavailable"));
        Assert.NotNull(await h.PlanChanges.Exists(op, h.PlanChangeMachine.GrantFailed));
        return grant;
    }

    public static RetrySagaStep Retry(Guid op) => new() { SagaId = op, RequestedBy = "alice via console-key", Reason = "ledger fixed" };
}

public class When_an_operator_retries_an_upgrade_whose_grant_failed
{
    [Fact]
    public async Task Should_send_the_same_grant_again_and_complete_on_its_answer()
    {
        await using var h = await SagaHarness.Start();
        var op = Guid.NewGuid();
        var failedGrant = await GrantFailedScenario.EndGrantFailed(h, op);

        await h.Bus.Bus.Publish(GrantFailedScenario.Retry(op));

        Assert.NotNull(await h.PlanChanges.Exists(op, h.PlanChangeMachine.GrantingCredits));
        Assert.Equal(2, await h.PublishedCount<GrantPlanChangeCredits>(m => m.OperationId == op));
        var grants = h.Bus.Published.Select<GrantPlanChangeCredits>(m => m.Context.Message.OperationId == op).Select(m => m.Context.Message).ToList();
        // Exactly the command that failed: same plan, period, allowance and step, hence the same ledger key.
        Assert.Equal(failedGrant, grants[1]);

        await h.Bus.Bus.Publish(new PlanChangeCreditsGranted { OperationId = op, Allowance = failedGrant.Allowance });
        var changed = await h.PublishedOne<PlanChanged>(m => m.OperationId == op);
        Assert.Equal(failedGrant.Allowance, changed.CreditsGranted);
        var saga = await h.PlanChanges.Exists(op, h.PlanChangeMachine.Completed);
        Assert.NotNull(saga);
        var instance = h.PlanChanges.Sagas.Contains(op)!;
        Assert.Null(instance.LastError);
        Assert.Contains("retry by alice via console-key: ledger fixed", instance.Steps);
    }

    [Fact]
    public async Task Should_end_GrantFailed_again_when_the_retried_grant_faults_too()
    {
        await using var h = await SagaHarness.Start();
        var op = Guid.NewGuid();
        await GrantFailedScenario.EndGrantFailed(h, op);

        await h.Bus.Bus.Publish(GrantFailedScenario.Retry(op));
        Assert.NotNull(await h.PlanChanges.Exists(op, h.PlanChangeMachine.GrantingCredits));
        var retried = h.Bus.Published.Select<GrantPlanChangeCredits>(m => m.Context.Message.OperationId == op).Last().Context.Message;
        await h.Bus.Bus.Publish<Fault<GrantPlanChangeCredits>>(Faults.Of(retried, "still unavailable"));

        Assert.NotNull(await h.PlanChanges.Exists(op, h.PlanChangeMachine.GrantFailed));
        var saga = h.PlanChanges.Sagas.Contains(op)!;
        Assert.Contains("could not be granted", saga.LastError);
        Assert.Equal(2, saga.Steps.Split('\n').Count(l => l.Contains("grant-credits failed")));
    }
}

public class When_a_plan_change_that_is_not_retryable_is_retried
{
    [Fact]
    public async Task Should_ignore_it_in_Failed_and_while_running()
    {
        await using var h = await SagaHarness.Start();
        var failed = Guid.NewGuid();
        await h.Bus.Bus.Publish(Upgrade(failed));
        await h.PublishedOne<UpdateSubscriptionItems>(m => m.OperationId == failed);
        await h.Bus.Bus.Publish(new SubscriptionItemsUpdateFailed { OperationId = failed, Step = "upgrade-items", Reason = "card_declined" });
        Assert.NotNull(await h.PlanChanges.Exists(failed, h.PlanChangeMachine.Failed));
        var running = Guid.NewGuid();
        await h.Bus.Bus.Publish(Upgrade(running));
        Assert.NotNull(await h.PlanChanges.Exists(running, h.PlanChangeMachine.UpgradingItems));

        await h.Bus.Bus.Publish(GrantFailedScenario.Retry(failed));
        await h.Bus.Bus.Publish(GrantFailedScenario.Retry(running));
        await h.WaitForConsumed<RetrySagaStep>(2);

        Assert.Equal(PlanChangeStateMachine.SagaName, "plan-change");
        Assert.NotNull(SagaRetry.WhyNot(PlanChangeStateMachine.SagaName, "Failed"));
        Assert.NotNull(SagaRetry.WhyNot(PlanChangeStateMachine.SagaName, "UpgradingItems"));
        Assert.Null(SagaRetry.WhyNot(PlanChangeStateMachine.SagaName, "GrantFailed"));
        Assert.NotNull(await h.PlanChanges.Exists(failed, h.PlanChangeMachine.Failed));
        Assert.NotNull(await h.PlanChanges.Exists(running, h.PlanChangeMachine.UpgradingItems));
        Assert.Equal(0, await h.PublishedCount<GrantPlanChangeCredits>(m => m.OperationId == failed || m.OperationId == running));
        Assert.Equal(1, await h.PublishedCount<UpdateSubscriptionItems>(m => m.OperationId == running));
    }
}
