using Credits.Contracts.Ledger;
using Credits.Contracts.TopUps;

namespace Credits.Sagas.Tests.TopUps;

public class When_auto_top_up_is_configured
{
    [Fact]
    public async Task Should_give_the_ledger_the_customers_own_threshold()
    {
        await using var h = await SagaHarness.Start();
        await h.Bus.Bus.Publish(new ConfigureAutoTopUp { CustomerId = "auto-t1", Enabled = true, Threshold = 500, Credits = 500, Amount = 1000 });

        var threshold = await h.PublishedOne<SetCustomerLowBalanceThreshold>(m => m.CustomerId == "auto-t1");
        Assert.Equal(500, threshold.Threshold);

        await h.Bus.Bus.Publish(new ConfigureAutoTopUp { CustomerId = "auto-t1", Enabled = false, Threshold = 500, Credits = 500, Amount = 1000 });
        await h.PublishedOne<SetCustomerLowBalanceThreshold>(m => m.CustomerId == "auto-t1" && m.Threshold == null);
    }
}

public class When_the_credits_are_exhausted_for_a_customer_with_auto_top_up
{
    [Fact]
    public async Task Should_buy_once()
    {
        await using var h = await SagaHarness.Start();
        await h.Bus.Bus.Publish(new ConfigureAutoTopUp { CustomerId = "auto-x1", Enabled = true, Threshold = 10, Credits = 500, Amount = 1000 });
        await h.AutoTopUps.Exists(SagaKeys.ForAutoTopUp("auto-x1"), h.AutoTopUpMachine.Idle);

        // One large usage took the balance from far above the threshold straight to zero.
        await h.Bus.Bus.Publish(new CreditBalanceLow { CustomerId = "auto-x1", Threshold = 100, Available = 0 });
        await h.Bus.Bus.Publish(new CreditsExhausted { CustomerId = "auto-x1", OverageAllowed = true });
        await h.WaitForConsumed<CreditsExhausted>(1);

        var purchase = await h.PublishedOne<PurchaseCredits>(m => m.CustomerId == "auto-x1");
        Assert.True(purchase.UseSavedCard);
        Assert.Equal(1, await h.PublishedCount<PurchaseCredits>(m => m.CustomerId == "auto-x1"));
    }

    [Fact]
    public async Task Should_buy_on_exhaustion_alone()
    {
        await using var h = await SagaHarness.Start();
        await h.Bus.Bus.Publish(new ConfigureAutoTopUp { CustomerId = "auto-x2", Enabled = true, Threshold = 10, Credits = 500, Amount = 1000 });
        await h.AutoTopUps.Exists(SagaKeys.ForAutoTopUp("auto-x2"), h.AutoTopUpMachine.Idle);

        await h.Bus.Bus.Publish(new CreditsExhausted { CustomerId = "auto-x2", OverageAllowed = false });

        await h.PublishedOne<PurchaseCredits>(m => m.CustomerId == "auto-x2");
    }
}
