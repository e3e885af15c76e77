using Credits.Contracts.Billing;
using Credits.Contracts.TopUps;

namespace Credits.Sagas.Tests.TopUps;

// The top-up saga at the edges of payment (docs/boundaries/payments.md). The integration tests
// (Credits.IntegrationTests.TopUps.PaymentBoundaryTests) do the same on the real system and check the books.

public class When_a_card_is_declined_on_the_checkout_page
{
    [Fact]
    public async Task Should_keep_waiting_and_grant_when_another_card_pays()
    {
        await using var h = await SagaHarness.Start();
        var id = Guid.NewGuid();
        await TopUpScenario.AwaitingCheckoutPaymentAsync(h, id);

        await h.Bus.Bus.Publish(new StripePaymentFailed { PaymentIntentId = "pi_1", FailureMessage = "Your card was declined.", Metadata = TopUpScenario.Metadata(id) });
        await h.WaitForConsumed<StripePaymentFailed>(1);
        Assert.NotNull(await h.TopUps.Exists(id, h.TopUpMachine.AwaitingPayment));
        Assert.Equal(0, await h.PublishedCount<PurchaseCancelled>(m => m.PurchaseId == id));

        await h.Bus.Bus.Publish(new StripeCheckoutSessionCompleted { SessionId = "cs_1", PaymentIntentId = "pi_1", PaymentStatus = "paid", Metadata = TopUpScenario.Metadata(id) });
        Assert.Equal(500, (await h.PublishedOne<GrantPurchasedCredits>(m => m.PurchaseId == id)).Credits);
    }
}

public class When_a_checkout_session_is_created
{
    [Fact]
    public async Task Should_expire_before_the_purchase_is_abandoned_within_stripes_bounds()
    {
        await using var h = await SagaHarness.Start(abandonAfter: TimeSpan.FromHours(24));
        var id = Guid.NewGuid();
        await h.Bus.Bus.Publish(TopUpScenario.Purchase(id));
        var command = await h.PublishedOne<CreateCheckoutSession>(m => m.PurchaseId == id);
        var saga = h.TopUps.Sagas.Contains(id)!;

        var lifetime = command.ExpiresAt!.Value - saga.CreatedAt;
        Assert.True(lifetime < TimeSpan.FromHours(24), $"the session lives {lifetime}, not less than the abandon time");
        Assert.InRange(lifetime, TimeSpan.FromMinutes(30), TimeSpan.FromHours(24));
    }
}

public class When_the_saga_gives_up_on_a_checkout_purchase
{
    [Fact]
    public async Task Should_expire_the_session_at_stripe_and_grant_a_payment_that_still_succeeds()
    {
        await using var h = await SagaHarness.Start(abandonAfter: TimeSpan.FromMilliseconds(300));
        var id = Guid.NewGuid();
        await TopUpScenario.AwaitingCheckoutPaymentAsync(h, id, "cs_late");

        await h.PublishedOne<PurchaseCancelled>(m => m.PurchaseId == id);
        Assert.Equal("cs_late", (await h.PublishedOne<ExpireCheckoutSession>(m => m.PurchaseId == id)).SessionId);

        // The customer's payment went through while the session was being expired.
        await h.Bus.Bus.Publish(new StripeCheckoutSessionCompleted { SessionId = "cs_late", PaymentIntentId = "pi_late", PaymentStatus = "paid", Metadata = TopUpScenario.Metadata(id) });
        await h.PublishedOne<GrantPurchasedCredits>(m => m.PurchaseId == id);
        await h.Bus.Bus.Publish(new StripePaymentSucceeded { PaymentIntentId = "pi_late", Metadata = TopUpScenario.Metadata(id) });
        await h.WaitForConsumed<StripePaymentSucceeded>(1);
        await h.Bus.Bus.Publish(new PurchasedCreditsGranted { PurchaseId = id });

        await h.PublishedOne<CreditsPurchased>(m => m.PurchaseId == id);
        Assert.Equal(1, await h.PublishedCount<GrantPurchasedCredits>(m => m.PurchaseId == id));
        Assert.Contains("paid after the purchase was cancelled", h.TopUps.Sagas.Contains(id)!.LastError);
    }
}

public class When_a_saved_card_charge_has_no_final_answer
{
    [Theory]
    [InlineData("processing")]
    [InlineData(SavedCardCharged.OutcomeUnknown)]
    public async Task Should_wait_for_stripe_and_grant_on_payment_intent_succeeded(string status)
    {
        await using var h = await SagaHarness.Start();
        var id = Guid.NewGuid();
        await h.Bus.Bus.Publish(TopUpScenario.Purchase(id, savedCard: true));
        await h.PublishedOne<ChargeSavedCard>(m => m.PurchaseId == id);
        await h.Bus.Bus.Publish(new SavedCardCharged { PurchaseId = id, PaymentIntentId = status == "processing" ? "pi_p" : "", Status = status });
        await h.WaitForConsumed<SavedCardCharged>(1);
        Assert.NotNull(await h.TopUps.Exists(id, h.TopUpMachine.AwaitingPayment));

        await h.Bus.Bus.Publish(new StripePaymentSucceeded { PaymentIntentId = "pi_p", Metadata = TopUpScenario.Metadata(id) });
        await h.PublishedOne<GrantPurchasedCredits>(m => m.PurchaseId == id);
        Assert.Equal(0, await h.PublishedCount<PurchaseCancelled>(m => m.PurchaseId == id));
    }

    [Fact]
    public async Task Should_cancel_when_stripe_later_reports_the_payment_failed()
    {
        await using var h = await SagaHarness.Start();
        var id = Guid.NewGuid();
        await h.Bus.Bus.Publish(TopUpScenario.Purchase(id, savedCard: true));
        await h.PublishedOne<ChargeSavedCard>(m => m.PurchaseId == id);
        await h.Bus.Bus.Publish(new SavedCardCharged { PurchaseId = id, PaymentIntentId = "pi_p", Status = "processing" });
        await h.Bus.Bus.Publish(new StripePaymentFailed { PaymentIntentId = "pi_p", FailureMessage = "Your card was declined.", Metadata = TopUpScenario.Metadata(id) });

        await h.PublishedOne<PurchaseCancelled>(m => m.PurchaseId == id);
        Assert.Equal(0, await h.PublishedCount<GrantPurchasedCredits>(m => m.PurchaseId == id));
    }
}

public class When_a_refund_arrives_while_the_credits_are_granted
{
    [Fact]
    public async Task Should_take_the_refunded_share_back_after_the_grant()
    {
        await using var h = await SagaHarness.Start();
        var id = Guid.NewGuid();
        await h.Bus.Bus.Publish(TopUpScenario.Purchase(id, savedCard: true));
        await h.PublishedOne<ChargeSavedCard>(m => m.PurchaseId == id);
        await h.Bus.Bus.Publish(new SavedCardCharged { PurchaseId = id, PaymentIntentId = "pi_g", Status = "succeeded" });
        await h.PublishedOne<GrantPurchasedCredits>(m => m.PurchaseId == id);

        await h.Bus.Bus.Publish(new StripeChargeRefunded { ChargeId = "ch_g", PaymentIntentId = "pi_g", Amount = 1000, AmountRefunded = 400 });
        await h.WaitForConsumed<StripeChargeRefunded>(1);
        await h.Bus.Bus.Publish(new PurchasedCreditsGranted { PurchaseId = id });

        var reverse = await h.PublishedOne<ReverseUnspentCredits>(m => m.PurchaseId == id);
        Assert.Equal((200, 400), (reverse.Credits, reverse.AmountRefunded));
        await h.PublishedOne<CreditsPurchased>(m => m.PurchaseId == id);
        Assert.NotNull(await h.TopUps.Exists(id, h.TopUpMachine.Refunding));
    }
}

public class When_a_purchase_is_disputed
{
    static async Task<Guid> CompletedPurchase(SagaHarness h)
    {
        var id = Guid.NewGuid();
        await h.Bus.Bus.Publish(TopUpScenario.Purchase(id, savedCard: true));
        await h.PublishedOne<ChargeSavedCard>(m => m.PurchaseId == id);
        await h.Bus.Bus.Publish(new SavedCardCharged { PurchaseId = id, PaymentIntentId = $"pi_{id:N}", Status = "succeeded" });
        await h.PublishedOne<GrantPurchasedCredits>(m => m.PurchaseId == id);
        await h.Bus.Bus.Publish(new PurchasedCreditsGranted { PurchaseId = id });
        Assert.NotNull(await h.TopUps.Exists(id, h.TopUpMachine.Completed));
        return id;
    }

    [Fact]
    public async Task Should_freeze_the_disputed_share_and_give_it_back_when_won()
    {
        await using var h = await SagaHarness.Start();
        var id = await CompletedPurchase(h);

        await h.Bus.Bus.Publish(new StripeDisputeCreated { DisputeId = "dp_1", ChargeId = "ch_1", PaymentIntentId = $"pi_{id:N}", Amount = 1000, Status = "needs_response" });
        var freeze = await h.PublishedOne<FreezeDisputedCredits>(m => m.PurchaseId == id);
        Assert.Equal((500, "dp_1"), (freeze.Credits, freeze.DisputeId));
        await h.Bus.Bus.Publish(new DisputedCreditsFrozen { PurchaseId = id, DisputeId = "dp_1", CreditsFrozen = 300 });
        await h.WaitForConsumed<DisputedCreditsFrozen>(1);
        Assert.Contains("200 of the 500 disputed credits were already spent", h.TopUps.Sagas.Contains(id)!.LastError);

        await h.Bus.Bus.Publish(new StripeDisputeClosed { DisputeId = "dp_1", ChargeId = "ch_1", PaymentIntentId = $"pi_{id:N}", Amount = 1000, Status = "won" });
        var restore = await h.PublishedOne<RestoreDisputedCredits>(m => m.PurchaseId == id);
        Assert.Equal(300, restore.Credits);
        Assert.NotNull(await h.TopUps.Exists(id, h.TopUpMachine.Completed));
    }

    [Fact]
    public async Task Should_keep_the_share_taken_when_lost_even_if_the_closing_event_came_first()
    {
        await using var h = await SagaHarness.Start();
        var id = await CompletedPurchase(h);

        // Webhooks are not ordered: the closing event overtakes the opening one.
        await h.Bus.Bus.Publish(new StripeDisputeClosed { DisputeId = "dp_2", ChargeId = "ch_2", PaymentIntentId = $"pi_{id:N}", Amount = 500, Status = "lost" });
        var freeze = await h.PublishedOne<FreezeDisputedCredits>(m => m.PurchaseId == id);
        Assert.Equal(250, freeze.Credits);
        await h.Bus.Bus.Publish(new StripeDisputeCreated { DisputeId = "dp_2", ChargeId = "ch_2", PaymentIntentId = $"pi_{id:N}", Amount = 500, Status = "needs_response" });
        await h.Bus.Bus.Publish(new DisputedCreditsFrozen { PurchaseId = id, DisputeId = "dp_2", CreditsFrozen = 250 });
        await h.WaitForConsumed<StripeDisputeCreated>(1);
        await h.WaitForConsumed<DisputedCreditsFrozen>(1);

        Assert.Equal(1, await h.PublishedCount<FreezeDisputedCredits>(m => m.PurchaseId == id));
        Assert.Equal(0, await h.PublishedCount<RestoreDisputedCredits>(m => m.PurchaseId == id));
        Assert.NotNull(await h.TopUps.Exists(id, h.TopUpMachine.DisputeLost));
    }
}
