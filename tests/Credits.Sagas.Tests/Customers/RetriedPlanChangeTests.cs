using Credits.Contracts.PlanChanges;
using static Credits.Sagas.Tests.Customers.CustomerScenario;

namespace Credits.Sagas.Tests.Customers;

public class When_a_plan_change_reported_failed_completes_after_an_operators_retry
{
    static async Task WaitUntil(SagaHarness h, string customerId, Func<Credits.Sagas.StateMachines.CustomerLifecycleState, bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (!(h.Customers.Sagas.Contains(SagaKeys.ForCustomer(customerId)) is { } s && condition(s)))
        {
            if (DateTime.UtcNow > deadline) throw new Xunit.Sdk.XunitException("the customer saga did not get there");
            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task Should_take_the_new_plan_when_it_was_the_latest_change()
    {
        await using var h = await SagaHarness.Start();
        await Register(h, "retried-1");
        var op = Guid.NewGuid();
        await h.Bus.Bus.Publish(new ChangePlan { OperationId = op, CustomerId = "retried-1", NewPlanId = "pro" });
        await h.PublishedOne<BeginPlanChange>(m => m.OperationId == op);
        // GrantFailed reports the change failed: the slot is freed, the plan stays Hobby.
        await h.Bus.Bus.Publish(new PlanChangeFailed { OperationId = op, CustomerId = "retried-1", FromPlanId = "hobby", ToPlanId = "pro", Items = ProItems });
        await WaitUntil(h, "retried-1", s => s.PlanChangeOperationId is null && s.LastError is not null);

        await h.Bus.Bus.Publish(new PlanChanged { OperationId = op, CustomerId = "retried-1", FromPlanId = "hobby", ToPlanId = "pro", Items = ProItems });

        await WaitUntil(h, "retried-1", s => s.PlanId == "pro");
    }

    [Fact]
    public async Task Should_ignore_it_when_a_later_change_has_begun()
    {
        await using var h = await SagaHarness.Start();
        await Register(h, "retried-2");
        var first = Guid.NewGuid();
        await h.Bus.Bus.Publish(new ChangePlan { OperationId = first, CustomerId = "retried-2", NewPlanId = "pro" });
        await h.PublishedOne<BeginPlanChange>(m => m.OperationId == first);
        await h.Bus.Bus.Publish(new PlanChangeFailed { OperationId = first, CustomerId = "retried-2", FromPlanId = "hobby", ToPlanId = "pro", Items = [Plans.HobbyFlat] });
        await WaitUntil(h, "retried-2", s => s.PlanChangeOperationId is null);
        var second = Guid.NewGuid();
        await h.Bus.Bus.Publish(new ChangePlan { OperationId = second, CustomerId = "retried-2", NewPlanId = "pro" });
        await h.PublishedOne<BeginPlanChange>(m => m.OperationId == second);

        await h.Bus.Bus.Publish(new PlanChanged { OperationId = first, CustomerId = "retried-2", FromPlanId = "hobby", ToPlanId = "pro", Items = ProItems });
        await h.WaitForConsumed<PlanChanged>(1);

        var saga = h.Customers.Sagas.Contains(SagaKeys.ForCustomer("retried-2"))!;
        Assert.Equal(("hobby", second), (saga.PlanId, saga.PlanChangeOperationId));
    }

    static readonly IReadOnlyList<Credits.Contracts.Customers.SubscriptionItem> ProItems = [Plans.ProFlat, Plans.ProMetered];
}
