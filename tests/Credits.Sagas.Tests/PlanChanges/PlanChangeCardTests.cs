using Credits.Contracts.Customers;
using Credits.Contracts.PlanChanges;
using Credits.Contracts.TopUps;
using Credits.Sagas.Tests.Cards;
using static Credits.Sagas.Tests.PlanChanges.PlanChangeScenario;

namespace Credits.Sagas.Tests.PlanChanges;

/// <summary>An upgrade whose customer has no card on file (the harness answers the card check with none for "cus_nocard").</summary>
public class When_an_upgrade_has_no_card_on_file
{
    static BeginPlanChange NoCardUpgrade(Guid op) => Upgrade(op) with { StripeCustomerId = "cus_nocard" };

    [Fact]
    public async Task Should_collect_a_card_through_checkout_make_it_the_default_then_upgrade_and_pay_with_it()
    {
        await using var h = await SagaHarness.Start();
        var op = Guid.NewGuid();
        await h.Bus.Bus.Publish(NoCardUpgrade(op));

        var page = await h.PublishedOne<CreateCardSetupSession>(m => m.OperationId == op);
        Assert.Equal(("cus_nocard", $"credits:plan-change:{op:N}:create-card-session"), (page.StripeCustomerId, page.IdempotencyKey));
        await h.Bus.Bus.Publish(new CardSetupSessionCreated { OperationId = op, SessionId = "cs_card", Url = "https://checkout.example/cs_card" });
        Assert.NotNull(await h.PlanChanges.Exists(op, h.PlanChangeMachine.AwaitingCard));
        Assert.Equal(0, await h.PublishedCount<UpdateSubscriptionItems>(m => m.OperationId == op));

        await h.Bus.Bus.Publish(CardSetupScenario.Completed(op, "seti_upgrade"));
        var save = await h.PublishedOne<SaveDefaultCard>(m => m.OperationId == op);
        Assert.Equal(("seti_upgrade", "plan-change"), (save.SetupIntentId, save.Source));
        Assert.NotNull(await h.PlanChanges.Exists(op, h.PlanChangeMachine.SavingCard));

        await h.Bus.Bus.Publish(new CardSaved { OperationId = op, CustomerId = "acme", StripeCustomerId = "cus_nocard", PaymentMethodId = "pm_new", Source = "plan-change" });
        var update = await h.PublishedOne<UpdateSubscriptionItems>(m => m.OperationId == op);
        Assert.Equal("always_invoice", update.ProrationBehavior);

        await h.Bus.Bus.Publish(new SubscriptionItemsUpdated { OperationId = op, Step = update.Step, Items = ProItems, InvoiceId = "in_1", InvoiceStatus = "paid" });
        var grant = await h.PublishedOne<GrantPlanChangeCredits>(m => m.OperationId == op);
        await h.Bus.Bus.Publish(new PlanChangeCreditsGranted { OperationId = op, Allowance = grant.Allowance });
        await h.PublishedOne<PlanChanged>(m => m.OperationId == op);
        Assert.NotNull(await h.PlanChanges.Exists(op, h.PlanChangeMachine.Completed));
    }

    [Fact]
    public async Task Should_fail_with_nothing_to_restore_when_the_card_page_expires()
    {
        await using var h = await SagaHarness.Start();
        var op = Guid.NewGuid();
        await h.Bus.Bus.Publish(NoCardUpgrade(op));
        await h.PublishedOne<CreateCardSetupSession>(m => m.OperationId == op);

        await h.Bus.Bus.Publish(CardSetupScenario.Expired(op));

        var failed = await h.PublishedOne<PlanChangeFailed>(m => m.OperationId == op);
        Assert.Contains("no card was given", failed.Reason);
        Assert.Equal([Plans.HobbyFlat], failed.Items);
        Assert.Equal(0, await h.PublishedCount<UpdateSubscriptionItems>(m => m.OperationId == op));
        Assert.Equal(0, await h.PublishedCount<RestoreSubscriptionItems>(m => m.OperationId == op));
        Assert.NotNull(await h.PlanChanges.Exists(op, h.PlanChangeMachine.Failed));
    }

    [Fact]
    public async Task Should_fail_at_its_timeout_and_expire_the_card_page()
    {
        await using var h = await SagaHarness.Start(cardCollectionTimeout: TimeSpan.FromMilliseconds(300));
        var op = Guid.NewGuid();
        await h.Bus.Bus.Publish(NoCardUpgrade(op));
        await h.PublishedOne<CreateCardSetupSession>(m => m.OperationId == op);
        await h.Bus.Bus.Publish(new CardSetupSessionCreated { OperationId = op, SessionId = "cs_card", Url = "https://checkout.example/cs_card" });

        await h.PublishedOne<PlanChangeFailed>(m => m.OperationId == op);
        var expire = await h.PublishedOne<ExpireCheckoutSession>(m => m.PurchaseId == op);
        Assert.Equal("cs_card", expire.SessionId);
        Assert.Equal(0, await h.PublishedCount<UpdateSubscriptionItems>(m => m.OperationId == op));
    }

    [Fact]
    public async Task Should_save_the_card_once_when_checkout_session_completed_comes_twice()
    {
        await using var h = await SagaHarness.Start();
        var op = Guid.NewGuid();
        await h.Bus.Bus.Publish(NoCardUpgrade(op));
        await h.PublishedOne<CreateCardSetupSession>(m => m.OperationId == op);

        await h.Bus.Bus.Publish(CardSetupScenario.Completed(op));
        await h.Bus.Bus.Publish(CardSetupScenario.Completed(op));
        await h.WaitForConsumed<Contracts.Billing.StripeCheckoutSessionCompleted>(2);

        Assert.Equal(1, await h.PublishedCount<SaveDefaultCard>(m => m.OperationId == op));
    }
}

public class When_an_upgrade_has_a_card_on_file
{
    [Fact]
    public async Task Should_check_it_and_go_straight_to_the_stripe_update()
    {
        await using var h = await SagaHarness.Start();
        var op = Guid.NewGuid();
        await h.Bus.Bus.Publish(Upgrade(op));

        var check = await h.PublishedOne<CheckCardOnFile>(m => m.OperationId == op);
        Assert.Equal(("cus_acme", "sub_acme"), (check.StripeCustomerId, check.SubscriptionId));
        await h.PublishedOne<UpdateSubscriptionItems>(m => m.OperationId == op);
        Assert.Equal(0, await h.PublishedCount<CreateCardSetupSession>(_ => true));
    }
}
