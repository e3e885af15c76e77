using Credits.Contracts.Customers;
using Credits.IntegrationTests.Sagas;
using Credits.Testing;
using Xunit;

namespace Credits.IntegrationTests.Cards;

/// <summary>
/// A Hobby customer with no card upgrades to Pro on the real system: the plan change collects the card through Checkout
/// in setup mode, makes it the default and pays the proration invoice with it; or fails with nothing changed when the card
/// page expires. Every webhook comes twice (emulator chaos), so checkout.session.completed is always duplicated.
/// </summary>
public class UpgradeWithoutCardTests(SystemUnderTest system) : IClassFixture<SystemUnderTest>, IAsyncLifetime
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
    public async Task An_upgrade_without_a_card_collects_one_through_checkout_pays_the_proration_with_it_and_grants_the_credits_once()
    {
        var id = SagaFlows.NewCustomerId("nocard-up");
        var customer = await Flows.RegisterAsync(id);
        await Eventually.Get(() => system.Accounts.AvailableOrNullAsync(id), a => a == 200);

        var operation = await Flows.ChangePlanAsync(id, "pro");
        var awaiting = await CardFlows.Wait(() => Flows.PlanChangeAsync(operation), p => p?.CardCheckoutUrl is not null, "the upgrade asks for a card");
        Assert.Equal("AwaitingCard", awaiting!.CurrentState);
        var view = await Cards.OperationAsync(operation);
        Assert.Equal(awaiting.CardCheckoutUrl, view.GetProperty("planChange").GetProperty("cardCheckoutUrl").GetString());
        await Flows.AssertItemsMatchPlanAsync(customer, "hobby"); // nothing changed before the card

        await Cards.GiveCardAsync(awaiting.CardCheckoutSessionId!, "pm_card_visa");

        var change = await Flows.PlanChangeEndsAsync(operation, "Completed", "Failed", "CompensationFailed", "GrantFailed");
        Assert.True(change.CurrentState == "Completed", change.Steps);
        var card = await Cards.AssertDefaultCardAsync(customer.StripeCustomerId!, customer.SubscriptionId!);
        await Flows.AssertItemsMatchPlanAsync(customer, "pro");
        // The proration invoice is paid, with the card just saved.
        var invoice = Assert.Single((await Flows.Stripe.V1.Invoices.ListAsync(new() { Subscription = customer.SubscriptionId })).Data,
            i => i.BillingReason == "subscription_update");
        Assert.Equal("paid", invoice.Status);
        var charge = Assert.Single((await Flows.Stripe.V1.Charges.ListAsync(new() { Customer = customer.StripeCustomerId })).Data,
            c => c.Amount == invoice.AmountPaid && c.Status == "succeeded");
        Assert.Equal(card.Id, charge.PaymentMethod);
        // The books: Hobby's 200 plus Pro's prorated credits, once; the balance column is the sum of the entries.
        Assert.InRange(change.CreditsGranted, 4_990, 5_000);
        await Task.Delay(3000); // the duplicated webhooks arrive meanwhile
        Assert.Equal(200 + change.CreditsGranted, await system.Accounts.AvailableAsync(id));
        var books = await system.Accounts.BooksAsync(id);
        Assert.Equal(books.SumOfEntries, books.Column);
        Assert.Single(_bus!.Received<CardSaved>(), c => c.OperationId == operation && c.Source == "plan-change");
        await Eventually.Get(() => Flows.CustomerAsync(id), c => c!.PlanId == "pro" && c.PlanChangeOperationId is null, because: "the slot is freed");
    }

    [Fact]
    public async Task An_upgrade_whose_card_page_expires_fails_with_the_items_unchanged_and_frees_the_slot()
    {
        var id = SagaFlows.NewCustomerId("nocard-expired");
        var customer = await Flows.RegisterAsync(id);
        await Eventually.Get(() => system.Accounts.AvailableOrNullAsync(id), a => a == 200);

        var operation = await Flows.ChangePlanAsync(id, "pro");
        var awaiting = await CardFlows.Wait(() => Flows.PlanChangeAsync(operation), p => p?.CardCheckoutSessionId is not null, "the upgrade asks for a card");

        await system.Stripe.Control.CheckoutAsync(awaiting!.CardCheckoutSessionId!, "expire");

        var change = await Flows.PlanChangeEndsAsync(operation, "Completed", "Failed", "CompensationFailed");
        Assert.True(change.CurrentState == "Failed", change.Steps);
        Assert.Contains("no card was given", change.LastError);
        await Flows.AssertItemsMatchPlanAsync(customer, "hobby");
        Assert.DoesNotContain((await Flows.Stripe.V1.Invoices.ListAsync(new() { Subscription = customer.SubscriptionId })).Data,
            i => i.BillingReason == "subscription_update");
        Assert.Equal(200, await system.Accounts.AvailableAsync(id));
        await Eventually.Get(() => Flows.CustomerAsync(id), c => c!.PlanId == "hobby" && c.PlanChangeOperationId is null, because: "the slot is freed");
        Assert.Equal("failed", (await Cards.OperationAsync(operation)).GetProperty("status").GetString());
    }
}
