using Credits.Contracts.Billing;
using Credits.Contracts.Customers;
using Credits.Contracts.TopUps;

namespace Credits.Sagas.Tests.TopUps;

internal static class TopUpScenario
{
    public static PurchaseCredits Purchase(Guid id, bool savedCard = false) => new()
    {
        PurchaseId = id, CustomerId = "acme", StripeCustomerId = "cus_acme", Credits = 500, Amount = 1000, Currency = "usd", UseSavedCard = savedCard,
    };

    public static Dictionary<string, string> Metadata(Guid id) => new() { ["purchase_id"] = id.ToString() };

    /// <summary>A Checkout purchase whose session exists: the saga is waiting for Stripe to report the payment.</summary>
    public static async Task AwaitingCheckoutPaymentAsync(SagaHarness h, Guid id, string sessionId = "cs_1")
    {
        await h.Bus.Bus.Publish(Purchase(id));
        await h.PublishedOne<CreateCheckoutSession>(m => m.PurchaseId == id);
        await h.Bus.Bus.Publish(new CheckoutSessionCreated { PurchaseId = id, SessionId = sessionId, Url = $"https://checkout.example/{sessionId}" });
    }
}

public class When_a_checkout_purchase_is_paid
{
    [Fact]
    public async Task Should_grant_the_credits_once_however_often_stripe_reports_the_payment()
    {
        await using var h = await SagaHarness.Start();
        var id = Guid.NewGuid();
        await h.Bus.Bus.Publish(TopUpScenario.Purchase(id));
        var session = await h.PublishedOne<CreateCheckoutSession>(m => m.PurchaseId == id);
        Assert.Equal($"credits:top-up:{id:N}:create-checkout-session", session.IdempotencyKey);
        await h.Bus.Bus.Publish(new CheckoutSessionCreated { PurchaseId = id, SessionId = "cs_1", Url = "https://checkout.example/cs_1" });

        await h.Bus.Bus.Publish(new StripeCheckoutSessionCompleted { SessionId = "cs_1", PaymentIntentId = "pi_1", PaymentStatus = "paid", Metadata = TopUpScenario.Metadata(id) });
        await h.Bus.Bus.Publish(new StripePaymentSucceeded { PaymentIntentId = "pi_1", Metadata = TopUpScenario.Metadata(id) });
        await h.Bus.Bus.Publish(new StripeCheckoutSessionCompleted { SessionId = "cs_1", PaymentIntentId = "pi_1", PaymentStatus = "paid", Metadata = TopUpScenario.Metadata(id) });
        await h.WaitForConsumed<StripeCheckoutSessionCompleted>(2);
        await h.WaitForConsumed<StripePaymentSucceeded>(1);

        var grant = await h.PublishedOne<GrantPurchasedCredits>(m => m.PurchaseId == id);
        Assert.Equal(500, grant.Credits);
        Assert.Equal(1, await h.PublishedCount<GrantPurchasedCredits>(m => m.PurchaseId == id));

        await h.Bus.Bus.Publish(new PurchasedCreditsGranted { PurchaseId = id });
        await h.PublishedOne<CreditsPurchased>(m => m.PurchaseId == id);
        var saga = h.TopUps.Sagas.Contains(id);
        Assert.Equal("https://checkout.example/cs_1", saga?.CheckoutUrl);
    }
}

public class When_the_same_purchase_is_requested_twice
{
    [Fact]
    public async Task Should_create_one_checkout_session()
    {
        await using var h = await SagaHarness.Start();
        var id = Guid.NewGuid();
        await h.Bus.Bus.Publish(TopUpScenario.Purchase(id));
        await h.PublishedOne<CreateCheckoutSession>(m => m.PurchaseId == id);
        await h.Bus.Bus.Publish(TopUpScenario.Purchase(id));
        await h.WaitForConsumed<PurchaseCredits>(2);

        Assert.Equal(1, await h.PublishedCount<CreateCheckoutSession>(m => m.PurchaseId == id));
    }
}

public class When_a_saved_card_is_declined
{
    [Fact]
    public async Task Should_cancel_the_purchase_without_granting_credits()
    {
        await using var h = await SagaHarness.Start();
        var id = Guid.NewGuid();
        await h.Bus.Bus.Publish(TopUpScenario.Purchase(id, savedCard: true));
        await h.PublishedOne<ChargeSavedCard>(m => m.PurchaseId == id);
        await h.Bus.Bus.Publish(new PaymentDeclined { PurchaseId = id, Reason = "Your card has insufficient funds." });

        var cancelled = await h.PublishedOne<PurchaseCancelled>(m => m.PurchaseId == id);
        Assert.Contains("insufficient funds", cancelled.Reason);
        Assert.Equal(0, await h.PublishedCount<GrantPurchasedCredits>(m => m.PurchaseId == id));
    }
}

public class When_a_purchase_is_abandoned
{
    [Fact]
    public async Task Should_cancel_it_after_the_timeout_and_grant_a_payment_that_still_arrives()
    {
        await using var h = await SagaHarness.Start(abandonAfter: TimeSpan.FromMilliseconds(300));
        var id = Guid.NewGuid();
        await h.Bus.Bus.Publish(TopUpScenario.Purchase(id));

        var cancelled = await h.PublishedOne<PurchaseCancelled>(m => m.PurchaseId == id);
        Assert.Contains("not paid within", cancelled.Reason);
        Assert.NotNull(await h.TopUps.Exists(id, h.TopUpMachine.Cancelled));

        // The money was taken: the credits are the customer's (docs/boundaries/payments.md).
        await h.Bus.Bus.Publish(new StripePaymentSucceeded { PaymentIntentId = "pi_late", Metadata = TopUpScenario.Metadata(id) });
        await h.WaitForConsumed<StripePaymentSucceeded>(1);
        Assert.Equal(1, await h.PublishedCount<GrantPurchasedCredits>(m => m.PurchaseId == id));
    }
}

public class When_a_paid_purchase_is_refunded
{
    [Fact]
    public async Task Should_reverse_the_unspent_credits_once_per_refund()
    {
        await using var h = await SagaHarness.Start();
        var id = Guid.NewGuid();
        await h.Bus.Bus.Publish(TopUpScenario.Purchase(id, savedCard: true));
        await h.PublishedOne<ChargeSavedCard>(m => m.PurchaseId == id);
        await h.Bus.Bus.Publish(new SavedCardCharged { PurchaseId = id, PaymentIntentId = "pi_r", Status = "succeeded" });
        await h.PublishedOne<GrantPurchasedCredits>(m => m.PurchaseId == id);
        await h.Bus.Bus.Publish(new PurchasedCreditsGranted { PurchaseId = id });
        Assert.NotNull(await h.TopUps.Exists(id, h.TopUpMachine.Completed));

        var refund = new StripeChargeRefunded { ChargeId = "ch_r", PaymentIntentId = "pi_r", Amount = 1000, AmountRefunded = 1000 };
        await h.Bus.Bus.Publish(refund);
        var reverse = await h.PublishedOne<ReverseUnspentCredits>(m => m.PurchaseId == id);
        Assert.Equal((500, 1000, 1000), (reverse.Credits, reverse.Amount, reverse.AmountRefunded));
        await h.Bus.Bus.Publish(refund);
        await h.WaitForConsumed<StripeChargeRefunded>(2);

        Assert.Equal(1, await h.PublishedCount<ReverseUnspentCredits>(m => m.PurchaseId == id));
    }
}

/// <summary>
/// Stripe sends payment_intent.succeeded and checkout.session.completed for the same payment in no set order
/// (https://docs.stripe.com/webhooks#event-ordering). The buyer's consent to save the card is honoured either way: the
/// clean-clone run lost it when payment_intent.succeeded came first and moved the purchase on.
/// </summary>
public class When_stripe_reports_a_checkout_payment_before_the_session_completes
{
    [Fact]
    public async Task Should_still_offer_to_save_the_card_once()
    {
        await using var h = await SagaHarness.Start();
        var id = Guid.NewGuid();
        await TopUpScenario.AwaitingCheckoutPaymentAsync(h, id);

        await h.Bus.Bus.Publish(new StripePaymentSucceeded { PaymentIntentId = "pi_1", Metadata = TopUpScenario.Metadata(id) });
        await h.WaitForConsumed<StripePaymentSucceeded>(1);
        await h.Bus.Bus.Publish(new StripeCheckoutSessionCompleted { SessionId = "cs_1", PaymentIntentId = "pi_1", PaymentStatus = "paid", Metadata = TopUpScenario.Metadata(id) });
        await h.WaitForConsumed<StripeCheckoutSessionCompleted>(1);

        var save = await h.PublishedOne<SaveDefaultCard>(m => m.OperationId == id);
        Assert.Equal(("pi_1", "top-up", "cus_acme"), (save.PaymentIntentId, save.Source, save.StripeCustomerId));
        Assert.Equal(1, await h.PublishedCount<SaveDefaultCard>(m => m.OperationId == id));
        Assert.Equal(1, await h.PublishedCount<GrantPurchasedCredits>(m => m.PurchaseId == id));
    }

    [Fact]
    public async Task Should_not_offer_it_for_a_saved_card_charge()
    {
        await using var h = await SagaHarness.Start();
        var id = Guid.NewGuid();
        await h.Bus.Bus.Publish(TopUpScenario.Purchase(id, savedCard: true));
        await h.PublishedOne<ChargeSavedCard>(m => m.PurchaseId == id);
        await h.Bus.Bus.Publish(new StripePaymentSucceeded { PaymentIntentId = "pi_2", Metadata = TopUpScenario.Metadata(id) });
        await h.WaitForConsumed<StripePaymentSucceeded>(1);

        await h.PublishedOne<GrantPurchasedCredits>(m => m.PurchaseId == id);
        Assert.Equal(0, await h.PublishedCount<SaveDefaultCard>(m => m.OperationId == id));
    }
}
