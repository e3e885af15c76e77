using Credits.Contracts.Customers;
using Credits.IntegrationTests.Sagas;
using Credits.Testing;
using Xunit;

namespace Credits.IntegrationTests.Cards;

/// <summary>
/// Adding a card through POST /v1/customers/{id}/card on the real system: Checkout in setup mode on the emulator, the
/// card made the Stripe customer's and the subscription's default, CardSaved published once. The emulator delivers every
/// webhook twice and out of order for this whole class, so checkout.session.completed always comes twice.
/// </summary>
public class CardSetupFlowTests(SystemUnderTest system) : IClassFixture<SystemUnderTest>, IAsyncLifetime
{
    TestBus? _bus;
    SagaFlows Flows => new(system, _bus!.Publisher);
    CardFlows Cards => new(system, Flows);

    public async Task InitializeAsync()
    {
        _bus = await TestBus.StartAsync(system.Infrastructure.VirtualHost.Uri, typeof(CardSaved));
        await system.Stripe.Control.ChaosAsync(duplicateRate: 1.0, reorderWindowMs: 300);
    }

    public async Task DisposeAsync() { if (_bus is not null) await _bus.DisposeAsync(); }

    [Fact]
    public async Task A_card_set_up_through_the_api_becomes_the_default_of_the_customer_and_the_subscription_once()
    {
        var id = SagaFlows.NewCustomerId("card");
        var customer = await Flows.RegisterAsync(id);
        Assert.Null((await Flows.Stripe.V1.Customers.GetAsync(customer.StripeCustomerId)).InvoiceSettings.DefaultPaymentMethodId);

        var accepted = await Cards.SetUpCardAsync(id, "add-card-1");
        var setupId = accepted.GetProperty("setupId").GetGuid();
        // The URL comes with the answer when Stripe was quick enough (5 s), else from the operation a moment later.
        var checkoutUrl = accepted.GetProperty("checkoutUrl").GetString()
            ?? (await CardFlows.Wait(() => Cards.CardSetupAsync(setupId), s => s?.CheckoutUrl is not null, "the card page"))!.CheckoutUrl;
        Assert.StartsWith(system.Stripe.BaseUrl.ToString().TrimEnd('/') + "/checkout/", checkoutUrl);
        Assert.Equal(checkoutUrl, (await Cards.OperationAsync(setupId)).GetProperty("cardSetup").GetProperty("checkoutUrl").GetString());
        // The same Idempotency-Key again: the same setup, nothing new.
        var again = await Cards.SetUpCardAsync(id, "add-card-1");
        Assert.Equal((setupId, true), (again.GetProperty("setupId").GetGuid(), again.GetProperty("repeated").GetBoolean()));
        var session = await Flows.Stripe.V1.Checkout.Sessions.GetAsync((await CardFlows.Wait(() => Cards.CardSetupAsync(setupId),
            s => s?.CheckoutSessionId is not null, "the card page"))!.CheckoutSessionId);
        Assert.Equal(("setup", customer.StripeCustomerId, setupId.ToString()), (session.Mode, session.CustomerId, session.Metadata[CardSetupMetadata.OperationIdKey]));

        await Cards.GiveCardAsync(session.Id, "pm_card_mastercard");

        var done = await CardFlows.Wait(() => Cards.CardSetupAsync(setupId), s => s?.CurrentState is "Completed" or "Failed" or "Expired", "the card setup ends");
        Assert.Equal("Completed", done!.CurrentState);
        var card = await Cards.AssertDefaultCardAsync(customer.StripeCustomerId!, customer.SubscriptionId!);
        Assert.Equal(("mastercard", done.PaymentMethodId), (card.Card.Brand, card.Id));
        var operation = await Cards.OperationAsync(setupId);
        Assert.Equal(("card-setup", "completed"), (operation.GetProperty("kind").GetString(), operation.GetProperty("status").GetString()));
        var saved = await Cards.SavedCardAsync(id);
        Assert.Equal((card.Id, card.Card.Last4, "card-setup"), (saved!.PaymentMethodId, saved.Last4, saved.Source));

        await Task.Delay(3000); // the duplicated, reordered webhooks arrive meanwhile
        var published = Assert.Single(_bus!.Received<CardSaved>(), c => c.OperationId == setupId);
        Assert.Equal((id, card.Id, "card-setup"), (published.CustomerId, published.PaymentMethodId, published.Source));
    }

    [Fact]
    public async Task A_card_setup_whose_page_expires_ends_expired_and_changes_no_default()
    {
        var id = SagaFlows.NewCustomerId("card-expired");
        var customer = await Flows.RegisterAsync(id);
        var setupId = (await Cards.SetUpCardAsync(id, "add-card-expired")).GetProperty("setupId").GetGuid();
        var awaiting = await CardFlows.Wait(() => Cards.CardSetupAsync(setupId), s => s?.CheckoutSessionId is not null, "the card page");

        await system.Stripe.Control.CheckoutAsync(awaiting!.CheckoutSessionId!, "expire");

        var done = await CardFlows.Wait(() => Cards.CardSetupAsync(setupId), s => s?.CurrentState is "Completed" or "Failed" or "Expired", "the card setup ends");
        Assert.Equal("Expired", done!.CurrentState);
        Assert.Equal("expired", (await Cards.OperationAsync(setupId)).GetProperty("status").GetString());
        Assert.Null((await Flows.Stripe.V1.Customers.GetAsync(customer.StripeCustomerId)).InvoiceSettings.DefaultPaymentMethodId);
        Assert.Null(await Cards.SavedCardAsync(id));
        Assert.DoesNotContain(_bus!.Received<CardSaved>(), c => c.OperationId == setupId);
    }
}
