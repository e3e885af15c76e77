using Credits.Contracts.Customers;
using Credits.IntegrationTests.Sagas;
using Credits.Testing;
using Xunit;

namespace Credits.IntegrationTests.Cards;

/// <summary>
/// A top-up through Checkout offers to save the card (saved_payment_method_options.payment_method_save): ticked, Stripe
/// attaches the card and Credits makes it the default (CardSaved, source top-up); unticked, nothing is saved.
/// </summary>
public class TopUpCardConsentTests(SystemUnderTest system) : IClassFixture<SystemUnderTest>, IAsyncLifetime
{
    TestBus? _bus;
    SagaFlows Flows => new(system, _bus!.Publisher);
    CardFlows Cards => new(system, Flows);

    public async Task InitializeAsync() => _bus = await TestBus.StartAsync(system.Infrastructure.VirtualHost.Uri, typeof(CardSaved));

    public async Task DisposeAsync() { if (_bus is not null) await _bus.DisposeAsync(); }

    [Fact]
    public async Task A_top_up_whose_buyer_ticks_save_makes_the_card_the_default_and_one_without_does_not()
    {
        var id = SagaFlows.NewCustomerId("consent");
        var customer = await Flows.RegisterAsync(id);

        // Unticked: paid, credits granted, no card saved.
        var unticked = await PaidPurchaseAsync(customer, save: false);
        Assert.Null((await Flows.Stripe.V1.Customers.GetAsync(customer.StripeCustomerId)).InvoiceSettings.DefaultPaymentMethodId);

        // Ticked: the card becomes the default of the customer and the subscription, once.
        var ticked = await PaidPurchaseAsync(customer, save: true);
        // Past a step's one-minute redelivery (StepRedeliveryOptions) for a loaded machine. The failures this once blamed on
        // slowness were the payment-before-session ordering bug, fixed in the top-up saga.
        await Eventually.Get(() => Cards.SavedCardAsync(id), c => c is not null, TimeSpan.FromMinutes(3), "the card saved");
        var card = await Cards.AssertDefaultCardAsync(customer.StripeCustomerId!, customer.SubscriptionId!);
        // CardSaved leaves through the outbox after the saved card's row commits: it can reach this bus a moment later.
        await Eventually.True(() => Task.FromResult(_bus!.Received<CardSaved>().Any(c => c.CustomerId == id)), because: "CardSaved is relayed");
        await Task.Delay(3000); // a duplicate would arrive meanwhile
        var saved = Assert.Single(_bus!.Received<CardSaved>(), c => c.CustomerId == id);
        Assert.Equal((ticked, "top-up", card.Id), (saved.OperationId, saved.Source, saved.PaymentMethodId));
        Assert.DoesNotContain(_bus.Received<CardSaved>(), c => c.OperationId == unticked);
        Assert.Equal(1200, await system.Accounts.AvailableAsync(id)); // 200 + two packs of 500
    }

    async Task<Guid> PaidPurchaseAsync(Credits.Sagas.StateMachines.CustomerLifecycleState customer, bool save)
    {
        var purchase = await Flows.PurchaseAsync(customer, credits: 500, amount: 500, savedCard: false);
        var awaiting = await CardFlows.Wait(() => Flows.TopUpAsync(purchase), p => p?.CheckoutSessionId is not null, "a checkout session");
        using var response = await system.Stripe.Control.PostFormAsync($"/_emulator/checkout/{awaiting!.CheckoutSessionId}/complete?save={(save ? "true" : "false")}");
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        Assert.Equal("Completed", (await Flows.TopUpInStateAsync(purchase, "Completed", "Cancelled")).CurrentState);
        return purchase;
    }
}
