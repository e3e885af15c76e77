using Credits.Contracts.Billing;
using Credits.Contracts.Customers;
using Credits.Contracts.PlanChanges;
using Credits.Sagas.Tests.Customers;

namespace Credits.Sagas.Tests.Cancellations;

/// <summary>A Pro customer, a cancellation, and the consumers' answers to the end path's steps.</summary>
internal static class CancellationScenario
{
    /// <summary>
    /// A customer on Pro. A paid plan is subscribed as the free default plan and upgraded by the saga's own plan change
    /// (docs/lifecycle/cards.md): that upgrade is answered as done, so the customer is on Pro with its slot free, as after a paid card.
    /// </summary>
    public static async Task<Guid> RegisterPro(SagaHarness h, string customerId)
    {
        var id = await CustomerScenario.Register(h, customerId, "pro", [Plans.ProFlat, Plans.ProMetered]);
        var upgrade = SagaKeys.ForRegistrationUpgrade(customerId);
        Assert.Equal(upgrade, h.Customers.Sagas.Contains(id)?.PlanChangeOperationId);
        await h.Bus.Bus.Publish(new PlanChanged
        {
            OperationId = upgrade, CustomerId = customerId, FromPlanId = "hobby", ToPlanId = "pro", Items = [Plans.ProFlat, Plans.ProMetered],
        });
        var deadline = DateTime.UtcNow + h.Bus.TestTimeout;
        while (h.Customers.Sagas.Contains(id) is not { PlanChangeOperationId: null, PlanId: "pro" })
        {
            if (DateTime.UtcNow > deadline) throw new Xunit.Sdk.XunitException($"{customerId} did not reach Pro");
            await Task.Delay(20);
        }
        return id;
    }

    /// <summary>Cancel at the period end until Stripe has taken it (SubscriptionCancellationScheduled).</summary>
    public static async Task<Guid> ScheduleCancellation(SagaHarness h, string customerId)
    {
        var op = Guid.NewGuid();
        await h.Bus.Bus.Publish(new CancelSubscription { OperationId = op, CustomerId = customerId, RequestedBy = "test" });
        var flag = await h.PublishedOne<SetCancelAtPeriodEnd>(m => m.OperationId == op);
        Assert.True(flag.CancelAtPeriodEnd);
        await h.Bus.Bus.Publish(new CancelAtPeriodEndSet { OperationId = op, CancelAtPeriodEnd = true, Status = "active", CancelAt = CustomerScenario.PeriodEnd });
        await h.PublishedOne<SubscriptionCancellationScheduled>(m => m.OperationId == op);
        return op;
    }

    public static Task SubscriptionDeleted(SagaHarness h, string customerId, string? reason = "cancellation_requested") =>
        h.Bus.Bus.Publish(new StripeSubscriptionUpdated
        {
            EventType = "customer.subscription.deleted", SubscriptionId = $"sub_{customerId}", CustomerId = customerId, Status = "canceled",
            CancellationReason = reason,
        });

    /// <summary>Answers the ledger move and the final overage report, checking their order and content.</summary>
    public static async Task MoveLedgerAndReportOverage(SagaHarness h, Guid op)
    {
        var move = await h.PublishedOne<GrantPlanChangeCredits>(m => m.OperationId == op);
        Assert.Equal(("hobby", 0L, "cancel-ledger"), (move.PlanId, move.Allowance, move.Step));
        Assert.Equal(0, await h.PublishedCount<ReportFinalOverage>(m => m.OperationId == op));   // the ledger moves first
        await h.Bus.Bus.Publish(new PlanChangeCreditsGranted { OperationId = op, Allowance = 0 });
        await h.PublishedOne<ReportFinalOverage>(m => m.OperationId == op);
        await h.Bus.Bus.Publish(new FinalOverageReported { OperationId = op, Quantity = 12 });
    }

    public static async Task<SubscriptionCanceled> EndCredits(SagaHarness h, Guid op)
    {
        var end = await h.PublishedOne<EndSubscriptionCredits>(m => m.OperationId == op);
        Assert.Equal("hobby", end.FreePlanId);
        await h.Bus.Bus.Publish(new SubscriptionCreditsEnded { OperationId = op, Lapsed = 700 });
        return await h.PublishedOne<SubscriptionCanceled>(m => m.OperationId == op);
    }

    public static async Task WaitFor(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!condition() && DateTime.UtcNow < deadline) await Task.Delay(20);
        Assert.True(condition());
    }
}
