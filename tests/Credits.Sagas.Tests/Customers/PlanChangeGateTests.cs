using Credits.Contracts.PlanChanges;
using static Credits.Sagas.Tests.Customers.CustomerScenario;

namespace Credits.Sagas.Tests.Customers;

public class When_a_second_plan_change_arrives_while_one_is_in_flight
{
    [Fact]
    public async Task Should_reject_it_naming_the_change_in_flight_and_accept_a_new_one_after_the_first_ends()
    {
        await using var h = await SagaHarness.Start();
        await Register(h, "gate-1");
        var first = Guid.NewGuid();
        var second = Guid.NewGuid();

        await h.Bus.Bus.Publish(new ChangePlan { OperationId = first, CustomerId = "gate-1", NewPlanId = "pro" });
        var begin = await h.PublishedOne<BeginPlanChange>(m => m.OperationId == first);
        Assert.Equal(("hobby", "pro", "sub_gate-1"), (begin.FromPlan.PlanId, begin.ToPlan.PlanId, begin.SubscriptionId));
        await h.Bus.Bus.Publish(new ChangePlan { OperationId = second, CustomerId = "gate-1", NewPlanId = "pro" });

        var rejected = await h.PublishedOne<PlanChangeRejected>(m => m.OperationId == second);
        Assert.Equal(first, rejected.InFlightOperationId);
        Assert.Equal(0, await h.PublishedCount<BeginPlanChange>(m => m.OperationId == second));

        // The first change ends (here: it fails and the items stay); the customer may try again.
        await h.Bus.Bus.Publish(new PlanChangeFailed { OperationId = first, CustomerId = "gate-1", FromPlanId = "hobby", ToPlanId = "pro", Items = [Plans.HobbyFlat] });
        var third = Guid.NewGuid();
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (h.Customers.Sagas.Contains(SagaKeys.ForCustomer("gate-1"))?.PlanChangeOperationId is not null && DateTime.UtcNow < deadline)
            await Task.Delay(20);
        await h.Bus.Bus.Publish(new ChangePlan { OperationId = third, CustomerId = "gate-1", NewPlanId = "pro" });
        await h.PublishedOne<BeginPlanChange>(m => m.OperationId == third);
    }
}

public class When_the_same_plan_change_request_is_delivered_twice
{
    [Fact]
    public async Task Should_begin_it_once_and_not_reject_it()
    {
        await using var h = await SagaHarness.Start();
        await Register(h, "dup-1");
        var op = Guid.NewGuid();

        await h.Bus.Bus.Publish(new ChangePlan { OperationId = op, CustomerId = "dup-1", NewPlanId = "pro" });
        await h.PublishedOne<BeginPlanChange>(m => m.OperationId == op);
        await h.Bus.Bus.Publish(new ChangePlan { OperationId = op, CustomerId = "dup-1", NewPlanId = "pro" });
        await h.WaitForConsumed<ChangePlan>(2);

        Assert.Equal(1, await h.PublishedCount<BeginPlanChange>(m => m.OperationId == op));
        Assert.Equal(0, await h.PublishedCount<PlanChangeRejected>(m => m.OperationId == op));
    }
}

public class When_a_plan_change_names_an_unknown_customer
{
    [Fact]
    public async Task Should_reject_it()
    {
        await using var h = await SagaHarness.Start();
        var op = Guid.NewGuid();
        await h.Bus.Bus.Publish(new ChangePlan { OperationId = op, CustomerId = "nobody", NewPlanId = "pro" });

        var rejected = await h.PublishedOne<PlanChangeRejected>(m => m.OperationId == op);
        Assert.Contains("not registered", rejected.Reason);
    }
}

public class When_a_plan_change_completes_end_to_end
{
    [Fact]
    public async Task Should_put_the_customer_on_the_new_plan_with_the_new_items()
    {
        await using var h = await SagaHarness.Start();
        var id = await Register(h, "e2e-1");
        var op = Guid.NewGuid();

        await h.Bus.Bus.Publish(new ChangePlan { OperationId = op, CustomerId = "e2e-1", NewPlanId = "pro" });
        var update = await h.PublishedOne<UpdateSubscriptionItems>(m => m.OperationId == op);
        var items = SubscriptionItemsSimulation.Apply([Plans.HobbyFlat], update.Changes, SubscriptionItemsSimulation.UsageOf);
        await h.Bus.Bus.Publish(new SubscriptionItemsUpdated { OperationId = op, Items = items, InvoiceId = "in_e2e", InvoiceStatus = "paid" });
        await h.PublishedOne<GrantPlanChangeCredits>(m => m.OperationId == op);
        await h.Bus.Bus.Publish(new PlanChangeCreditsGranted { OperationId = op, Allowance = 970 });
        await h.PublishedOne<PlanChanged>(m => m.OperationId == op);

        // The in-memory repository hands out the live instance: the transition that records the change sets the plan
        // and then clears the gate, so wait for both, not for the first (CI once read the instance between the two).
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (h.Customers.Sagas.Contains(id) is not { PlanId: "pro", PlanChangeOperationId: null } && DateTime.UtcNow < deadline)
            await Task.Delay(20);
        var customer = h.Customers.Sagas.Contains(id)!;
        Assert.Equal("pro", customer.PlanId);
        Assert.Null(customer.PlanChangeOperationId);
        Assert.True(Credits.Sagas.Invariant.SubscriptionItemsInvariant.Check(Plans.Pro, SagaJson.Items(customer.Items)).Holds);
    }
}
