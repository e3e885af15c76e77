using Credits.Contracts.Billing;
using Credits.Contracts.Operators;
using Credits.Contracts.TopUps;
using Credits.Sagas.StateMachines;

namespace Credits.Sagas.Tests.TopUps;

public class When_an_operator_retries_a_purchase_whose_grant_stalled
{
    [Fact]
    public async Task Should_send_the_same_grant_again_and_complete_once()
    {
        await using var h = await SagaHarness.Start();
        var id = Guid.NewGuid();
        await h.Bus.Bus.Publish(TopUpScenario.Purchase(id));
        await h.PublishedOne<CreateCheckoutSession>(m => m.PurchaseId == id);
        await h.Bus.Bus.Publish(new StripePaymentSucceeded { PaymentIntentId = "pi_1", Metadata = TopUpScenario.Metadata(id) });
        var grant = await h.PublishedOne<GrantPurchasedCredits>(m => m.PurchaseId == id);
        // The grant faulted through its retries and redeliveries (the saga does not subscribe to that fault): it waits in Granting.
        Assert.NotNull(await h.TopUps.Exists(id, h.TopUpMachine.Granting));
        Assert.Null(SagaRetry.WhyNot(TopUpStateMachine.SagaName, "Granting"));

        await h.Bus.Bus.Publish(new RetrySagaStep { SagaId = id, RequestedBy = "bob via ops", Reason = "ledger back" });

        Assert.Equal(2, await WaitForCount(h, id, 2));
        var grants = h.Bus.Published.Select<GrantPurchasedCredits>(m => m.Context.Message.PurchaseId == id).Select(m => m.Context.Message).ToList();
        Assert.Equal(grant, grants[1]);
        await h.Bus.Bus.Publish(new PurchasedCreditsGranted { PurchaseId = id });
        await h.PublishedOne<CreditsPurchased>(m => m.PurchaseId == id);
        Assert.NotNull(await h.TopUps.Exists(id, h.TopUpMachine.Completed));

        // A retry once completed does nothing.
        await h.Bus.Bus.Publish(new RetrySagaStep { SagaId = id, RequestedBy = "bob via ops", Reason = "again" });
        await h.WaitForConsumed<RetrySagaStep>(2);
        Assert.Equal(2, await h.PublishedCount<GrantPurchasedCredits>(m => m.PurchaseId == id));
        Assert.NotNull(SagaRetry.WhyNot(TopUpStateMachine.SagaName, "Completed"));
    }

    static async Task<int> WaitForCount(SagaHarness h, Guid id, int expected)
    {
        var deadline = DateTime.UtcNow.AddSeconds(5);
        int count;
        while ((count = await h.PublishedCount<GrantPurchasedCredits>(m => m.PurchaseId == id)) < expected && DateTime.UtcNow < deadline)
            await Task.Delay(20);
        return count;
    }
}
