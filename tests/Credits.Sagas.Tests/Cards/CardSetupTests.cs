using Credits.Contracts.Billing;
using Credits.Contracts.Customers;
using Credits.Contracts.TopUps;

namespace Credits.Sagas.Tests.Cards;

internal static class CardSetupScenario
{
    public static SetUpCard SetUp(Guid setupId) => new() { SetupId = setupId, CustomerId = "acme", StripeCustomerId = "cus_acme" };

    public static StripeCheckoutSessionCompleted Completed(Guid operationId, string setupIntent = "seti_1") => new()
    {
        EventId = "evt_" + setupIntent, EventType = "checkout.session.completed", SessionId = "cs_setup", Mode = "setup", SetupIntentId = setupIntent,
        PaymentStatus = "no_payment_required", Metadata = new Dictionary<string, string> { [CardSetupMetadata.OperationIdKey] = operationId.ToString() },
    };

    public static StripeCheckoutSessionExpired Expired(Guid operationId) => new()
    {
        EventId = "evt_expired", EventType = "checkout.session.expired", SessionId = "cs_setup",
        Metadata = new Dictionary<string, string> { [CardSetupMetadata.OperationIdKey] = operationId.ToString() },
    };
}

public class When_a_customer_sets_up_a_card
{
    [Fact]
    public async Task Should_open_a_setup_page_then_make_the_saved_card_the_default_and_complete()
    {
        await using var h = await SagaHarness.Start();
        var setup = Guid.NewGuid();
        await h.Bus.Bus.Publish(CardSetupScenario.SetUp(setup));

        var create = await h.PublishedOne<CreateCardSetupSession>(m => m.OperationId == setup);
        Assert.Equal(("acme", "cus_acme", $"credits:card-setup:{setup:N}:create-session"), (create.CustomerId, create.StripeCustomerId, create.IdempotencyKey));
        await h.Bus.Bus.Publish(new CardSetupSessionCreated { OperationId = setup, SessionId = "cs_setup", Url = "https://checkout.example/cs_setup" });
        Assert.NotNull(await h.CardSetups.Exists(setup, h.CardSetupMachine.AwaitingCard));
        Assert.Equal("https://checkout.example/cs_setup", await Eventually(() => h.CardSetups.Sagas.Contains(setup)?.CheckoutUrl));

        await h.Bus.Bus.Publish(CardSetupScenario.Completed(setup));
        var save = await h.PublishedOne<SaveDefaultCard>(m => m.OperationId == setup);
        Assert.Equal(("seti_1", null, "card-setup", "cus_acme"), (save.SetupIntentId, save.PaymentIntentId, save.Source, save.StripeCustomerId));
        Assert.NotNull(await h.CardSetups.Exists(setup, h.CardSetupMachine.SavingCard));

        await h.Bus.Bus.Publish(new CardSaved { OperationId = setup, CustomerId = "acme", StripeCustomerId = "cus_acme", PaymentMethodId = "pm_1", Source = "card-setup" });
        Assert.NotNull(await h.CardSetups.Exists(setup, h.CardSetupMachine.Completed));
        Assert.Equal("pm_1", h.CardSetups.Sagas.Contains(setup)!.PaymentMethodId);
    }

    [Fact]
    public async Task Should_save_the_card_once_when_checkout_session_completed_comes_twice()
    {
        await using var h = await SagaHarness.Start();
        var setup = Guid.NewGuid();
        await h.Bus.Bus.Publish(CardSetupScenario.SetUp(setup));
        await h.PublishedOne<CreateCardSetupSession>(m => m.OperationId == setup);

        await h.Bus.Bus.Publish(CardSetupScenario.Completed(setup));
        await h.Bus.Bus.Publish(CardSetupScenario.Completed(setup));
        await h.WaitForConsumed<StripeCheckoutSessionCompleted>(2);

        Assert.Equal(1, await h.PublishedCount<SaveDefaultCard>(m => m.OperationId == setup));
    }

    [Fact]
    public async Task Should_ignore_a_completed_session_that_names_no_card_setup()
    {
        await using var h = await SagaHarness.Start();
        var setup = Guid.NewGuid();
        await h.Bus.Bus.Publish(CardSetupScenario.SetUp(setup));
        await h.PublishedOne<CreateCardSetupSession>(m => m.OperationId == setup);

        // A purchase's Checkout (payment mode, purchase_id metadata) is not this setup's.
        await h.Bus.Bus.Publish(new StripeCheckoutSessionCompleted
        {
            SessionId = "cs_purchase", Mode = "payment", PaymentStatus = "paid",
            Metadata = new Dictionary<string, string> { [PurchaseKeys.PurchaseIdMetadata] = Guid.NewGuid().ToString() },
        });
        await h.WaitForConsumed<StripeCheckoutSessionCompleted>(1);

        Assert.Equal(0, await h.PublishedCount<SaveDefaultCard>(_ => true));
        Assert.NotNull(await h.CardSetups.Exists(setup, h.CardSetupMachine.AwaitingCard));
    }

    static async Task<T?> Eventually<T>(Func<T?> read)
    {
        for (var i = 0; i < 100 && read() is null; i++) await Task.Delay(20);
        return read();
    }
}

public class When_no_card_comes_for_a_card_setup
{
    [Fact]
    public async Task Should_end_expired_when_the_page_expires()
    {
        await using var h = await SagaHarness.Start();
        var setup = Guid.NewGuid();
        await h.Bus.Bus.Publish(CardSetupScenario.SetUp(setup));
        await h.PublishedOne<CreateCardSetupSession>(m => m.OperationId == setup);

        await h.Bus.Bus.Publish(CardSetupScenario.Expired(setup));

        Assert.NotNull(await h.CardSetups.Exists(setup, h.CardSetupMachine.Expired));
        Assert.Equal(0, await h.PublishedCount<SaveDefaultCard>(_ => true));
    }

    [Fact]
    public async Task Should_end_expired_at_the_timeout_and_expire_the_page()
    {
        await using var h = await SagaHarness.Start(cardSetupAbandonAfter: TimeSpan.FromMilliseconds(300));
        var setup = Guid.NewGuid();
        await h.Bus.Bus.Publish(CardSetupScenario.SetUp(setup));
        await h.PublishedOne<CreateCardSetupSession>(m => m.OperationId == setup);
        await h.Bus.Bus.Publish(new CardSetupSessionCreated { OperationId = setup, SessionId = "cs_setup", Url = "https://checkout.example/cs_setup" });

        var expire = await h.PublishedOne<ExpireCheckoutSession>(m => m.PurchaseId == setup);
        Assert.Equal("cs_setup", expire.SessionId);
        Assert.NotNull(await h.CardSetups.Exists(setup, h.CardSetupMachine.Expired));
    }

    [Fact]
    public async Task Should_still_make_a_card_saved_after_the_page_expired_the_default()
    {
        await using var h = await SagaHarness.Start();
        var setup = Guid.NewGuid();
        await h.Bus.Bus.Publish(CardSetupScenario.SetUp(setup));
        await h.PublishedOne<CreateCardSetupSession>(m => m.OperationId == setup);
        await h.Bus.Bus.Publish(CardSetupScenario.Expired(setup));
        Assert.NotNull(await h.CardSetups.Exists(setup, h.CardSetupMachine.Expired));

        await h.Bus.Bus.Publish(CardSetupScenario.Completed(setup, "seti_late"));

        var save = await h.PublishedOne<SaveDefaultCard>(m => m.OperationId == setup);
        Assert.Equal("seti_late", save.SetupIntentId);
    }
}
