using Credits.Contracts.Ledger;
using Credits.Contracts.TopUps;

namespace Credits.Sagas.Tests.TopUps;

public class When_many_low_balance_events_arrive_for_a_customer_with_auto_top_up
{
    [Fact]
    public async Task Should_start_one_purchase_at_a_time()
    {
        await using var h = await SagaHarness.Start();
        var id = SagaKeys.ForAutoTopUp("auto-1");
        await h.Bus.Bus.Publish(new ConfigureAutoTopUp { CustomerId = "auto-1", StripeCustomerId = "cus_auto", Threshold = 100, Credits = 500, Amount = 1000 });
        Assert.NotNull(await h.AutoTopUps.Exists(id, h.AutoTopUpMachine.Idle));

        await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            h.Bus.Bus.Publish(new CreditBalanceLow { CustomerId = "auto-1", Threshold = 100, Available = 90 - i })));
        await h.WaitForConsumed<CreditBalanceLow>(20);

        var purchase = await h.PublishedOne<PurchaseCredits>(m => m.CustomerId == "auto-1");
        Assert.True(purchase.UseSavedCard);
        Assert.Equal(1, await h.PublishedCount<PurchaseCredits>(m => m.CustomerId == "auto-1"));

        // When that purchase ends, the next low balance starts the next one.
        await h.Bus.Bus.Publish(new CreditsPurchased { PurchaseId = purchase.PurchaseId, CustomerId = "auto-1", Credits = 500 });
        Assert.NotNull(await h.AutoTopUps.Exists(id, h.AutoTopUpMachine.Idle));
        await h.Bus.Bus.Publish(new CreditBalanceLow { CustomerId = "auto-1", Threshold = 100, Available = 50 });
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (await h.PublishedCount<PurchaseCredits>(m => m.CustomerId == "auto-1") < 2 && DateTime.UtcNow < deadline)
            await Task.Delay(20);
        Assert.Equal(2, await h.PublishedCount<PurchaseCredits>(m => m.CustomerId == "auto-1"));
    }
}

public class When_the_balance_is_low_but_above_the_customers_threshold
{
    [Fact]
    public async Task Should_not_buy_anything()
    {
        await using var h = await SagaHarness.Start();
        await h.Bus.Bus.Publish(new ConfigureAutoTopUp { CustomerId = "auto-2", Threshold = 10, Credits = 500, Amount = 1000 });
        await h.AutoTopUps.Exists(SagaKeys.ForAutoTopUp("auto-2"), h.AutoTopUpMachine.Idle);
        await h.Bus.Bus.Publish(new CreditBalanceLow { CustomerId = "auto-2", Threshold = 100, Available = 90 });
        await h.WaitForConsumed<CreditBalanceLow>(1);

        Assert.Equal(0, await h.PublishedCount<PurchaseCredits>(m => m.CustomerId == "auto-2"));
    }
}
